"""Lessons: every experiment of the four tutorial series, runnable on either twin.

    python -m lessons                                  # the list, in course order
    python -m lessons run a1-neuron --backend pure     # run one, compare with the series
    python -m lessons run d7-mnist-softmax --backend vectorized --quick --out pictures/
    python -m lessons run b3-mnist-mse --data-dir ~/mnist       # MNIST from another folder (e.g. the full 60,000)

Each lesson is one short file that imports only the public contract of the
twin it runs on (`nn`, passed in) plus data/ and pictures/. SERIES.md describes the
four series the lessons reproduce: what each post does, its figures, its known mistakes.
"""
