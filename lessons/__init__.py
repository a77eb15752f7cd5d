"""Lessons: every experiment of the four tutorial series, runnable on either twin.

    python -m lessons                                  # the list, in course order
    python -m lessons run a1-neuron --backend pure     # run one, compare with the series
    python -m lessons run d7-mnist-softmax --backend vectorized --quick --out pictures/

Each lesson is one short file that imports only the public contract of the
twin it runs on (`nn`, passed in) plus data/ and pictures/.
"""
