"""`olivegen lsp`: a Language Server Protocol server for recipes (diagnostics, hover, completion, fixes, definitions).

Needs the `lsp` extra (pygls, lsprotocol). Nothing outside this package imports it, so `import
olivegen` and every other command work without pygls installed.
"""
