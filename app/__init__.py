"""app: the application around the two twins, in standard-library Python.

    python -m pure [train|evaluate|predict|serve] ...      (pure/__main__.py calls app.cli.main)
    python -m vectorized [train|evaluate|predict] ...      (vectorized/__main__.py calls app.arrays.main)

The twins `pure/` and `vectorized/` are the library (layers, losses, optimizers,
the network, the training loop, save/load); this package is what a user runs:

    cli        the main command: train an MLP or a CNN on MNIST, test it, save it (build_mlp, build_cnn)
    arrays     the same command for the numpy twin (the images become one array)
    usemodel   evaluate a saved model, predict the digit in your own image files
    serve      the page server: the pure twin running in your browser (web/)

It imports the twins, data/ and pictures/; they never import it. It needs no
numpy unless the vectorized twin is asked for (app.arrays imports it).
"""
