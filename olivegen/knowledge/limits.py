"""Limits of the libraries Olive hands recipe values to (numpy, torch, datasets), read by the recipe models.

Kept apart from `value_evidence.py` (the evidence text of every bound, read by docs and tests) so that
validating a recipe does not load that text.
"""

from __future__ import annotations

# numpy's legacy seeding (transformers' set_seed -> np.random.seed) takes 0 .. 2**32 - 1.
NUMPY_SEED_MAX = 2**32 - 1
# torch.Generator.manual_seed takes -2**63 .. 2**64 - 1 (torch/random.py:54-57 of torch 2.13).
TORCH_SEED_MIN = -(2**63)
TORCH_SEED_MAX = 2**64 - 1
# The builders `datasets.load_dataset` has for a data set's files (datasets 5.2.0
# datasets/packaged_modules/__init__.py:52-80); Olive hands a data set's format over as `data_name`.
DATASETS_BUILDERS = (
    "json",
    "csv",
    "parquet",
    "text",
    "arrow",
    "pandas",
    "xml",
    "webdataset",
    "hdf5",
    "lance",
    "conll",
    "imagefolder",
    "audiofolder",
    "videofolder",
    "pdffolder",
    "meshfolder",
    "niftifolder",
    "eval",
    "tsfile",
    "iceberg",
    "vortex",
    "mmcif",
    "pdb",
    "genbank",
    "fasta",
    "fastq",
    "harbor",
)
