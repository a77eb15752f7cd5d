"""Texts for the recurrent lessons: the sentiment corpus, the names, and the vocabulary."""

import pytest

from data import text


def test_sentiment_corpus_sizes_labels_and_split():
    train, test = text.sentiment()
    assert len(train) == 60 and len(test) == 20
    assert all(label in (0, 1) for _, label in train + test)
    assert 20 <= sum(label for _, label in train) <= 40          # both classes well represented
    assert not {s for s, _ in train} & {s for s, _ in test}      # no test sentence is a training one
    assert len({s for s, _ in train}) == 60


def test_every_test_word_is_in_the_training_vocabulary():
    train, test = text.sentiment()
    vocab = text.Vocabulary(text.words(s) for s, _ in train)
    assert len(vocab) == 18
    assert all(word in vocab for s, _ in test for word in text.words(s))


def test_negations_carry_the_meaning():
    train, test = text.sentiment()
    labels = dict(train + test)
    assert labels["not bad"] == 1 and labels["not good"] == 0
    assert labels["it is not at all good"] == 0 and labels["it is not at all bad"] == 1


def test_vocabulary_order_is_stable_specials_first_then_sorted():
    a = text.Vocabulary([["not", "bad"], ["bad", "good"]], specials=("<pad>",))
    b = text.Vocabulary([["good", "bad"], ["not"]], specials=("<pad>",))
    assert a.tokens == b.tokens == ["<pad>", "bad", "good", "not"]
    assert a.encode(["not", "bad"]) == [3, 1] and a.decode([3, 1]) == ["not", "bad"]


def test_vocabulary_errors_name_the_problem():
    vocab = text.Vocabulary([["a", "b"]])
    with pytest.raises(ValueError, match="unknown token 'c' at position 1"):
        vocab.encode(["a", "c"])
    with pytest.raises(ValueError, match="id 5 at position 0"):
        vocab.decode([5])
    with pytest.raises(ValueError, match="split it first"):
        text.Vocabulary(["a sentence"])


def test_one_hot_rows():
    assert text.one_hot([2, 0], 3) == [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    with pytest.raises(ValueError, match="id 3 at position 1"):
        text.one_hot([0, 3], 3)


def test_names_are_200_distinct_lowercase_words_covering_the_alphabet():
    names = text.names()
    assert len(names) == len(set(names)) == 200
    assert all(name.isalpha() and name.islower() for name in names)
    assert set("".join(names)) == set("abcdefghijklmnopqrstuvwxyz")
    names.append("x")
    assert len(text.names()) == 200                              # a fresh list each time
