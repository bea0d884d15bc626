"""The ``gofannon-db`` command."""
