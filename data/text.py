"""Small texts written by the project, for the recurrent lessons, and a vocabulary.

    from data import text
    train, test = text.sentiment()          # lists of (sentence, label), 1 = positive
    vocab = text.Vocabulary(text.words(s) for s, _ in train)
    vocab.encode("it is not good".split())          # token ids, in the vocabulary's order
    text.one_hot(vocab.encode(["not", "bad"]), len(vocab))   # one row per word
    names = text.names()                    # 200 lowercase first names, for a character model

What is here:
- `SENTIMENT_TRAIN`, `SENTIMENT_TEST`: 60 and 20 short sentences labelled
  positive (1) or negative (0), 18 words, in the spirit of Victor Zhou's RNN
  post (series A, part 2) but written for this project. Negation carries the
  meaning: "not bad" is positive, "it is not at all good" negative, "we are
  bad not good" negative. Every test sentence is new, but differs from a
  training sentence in one substitution (a subject, an adjective, the order
  of two words), and every test word occurs in training: a small RNN can
  get all 20 right, as the series' own corpus allows.
- `NAMES`: 200 common English first names, lowercase letters only.
- `Vocabulary`: tokens in a stable order (special tokens first, then the
  others sorted), so the same text gives the same ids on every machine.

What is not: a tokenizer (sentences are split on spaces), large corpora,
or anything downloaded.
"""

from __future__ import annotations

from typing import Iterable, List, Sequence, Tuple

# (sentence, label): 1 = positive, 0 = negative.
SENTIMENT_TRAIN: Tuple[Tuple[str, int], ...] = (
    ("good", 1),
    ("bad", 0),
    ("fun", 1),
    ("dull", 0),
    ("not good", 0),
    ("not bad", 1),
    ("not fun", 0),
    ("not dull", 1),
    ("really bad", 0),
    ("really fun", 1),
    ("it is good", 1),
    ("it is dull", 0),
    ("we are fun", 1),
    ("we are bad", 0),
    ("it is not good", 0),
    ("it is not dull", 1),
    ("we are not fun", 0),
    ("we are not bad", 1),
    ("it is really fun", 1),
    ("it is really bad", 0),
    ("we are really good", 1),
    ("we are really dull", 0),
    ("it is not at all good", 0),
    ("it is not at all dull", 1),
    ("we are not at all fun", 0),
    ("we are not at all bad", 1),
    ("we are good and fun", 1),
    ("it is fun and good", 1),
    ("we are dull and bad", 0),
    ("it is bad and dull", 0),
    ("it is not bad and not dull", 1),
    ("we are not fun and not good", 0),
    ("it is not bad or dull", 1),
    ("we are not fun or good", 0),
    ("we are not dull or bad", 1),
    ("it is good not bad", 1),
    ("it is dull not fun", 0),
    ("we are bad not good", 0),
    ("we are fun not dull", 1),
    ("it is good today", 1),
    ("it is dull today", 0),
    ("we are bad today", 0),
    ("we are fun today", 1),
    ("it was good yesterday", 1),
    ("it was bad yesterday", 0),
    ("we were fun yesterday", 1),
    ("we were dull yesterday", 0),
    ("it was not good yesterday", 0),
    ("it was not bad yesterday", 1),
    ("we were not dull yesterday", 1),
    ("we were not fun yesterday", 0),
    ("it is really good today", 1),
    ("it is really dull today", 0),
    ("we are really bad today", 0),
    ("it was really dull yesterday", 0),
    ("we were really fun yesterday", 1),
    ("it was good and not bad yesterday", 1),
    ("we were not good and not fun yesterday", 0),
    ("it is not at all bad or dull today", 1),
    ("we are not at all good or fun today", 0),
)

SENTIMENT_TEST: Tuple[Tuple[str, int], ...] = (
    ("it is fun", 1),
    ("we are good", 1),
    ("we are dull", 0),
    ("it is not fun", 0),
    ("it is not bad", 1),
    ("we are not good", 0),
    ("we are not dull", 1),
    ("it is really dull", 0),
    ("we are really fun", 1),
    ("it is not at all fun", 0),
    ("it is not at all bad", 1),
    ("we are fun and good", 1),
    ("we are not good and not fun", 0),
    ("it is not dull or bad", 1),
    ("it is bad not good", 0),
    ("it is fun today", 1),
    ("we are dull today", 0),
    ("it is really bad today", 0),
    ("it was fun yesterday", 1),
    ("we were not good yesterday", 0),
)

NAMES: Tuple[str, ...] = (
    "aaron", "abigail", "adam", "adrian", "aiden", "alan", "albert", "alex", "alice", "allison",
    "amanda", "amber", "amelia", "amy", "andrea", "andrew", "angela", "anna", "anthony", "arthur",
    "ashley", "audrey", "austin", "ava", "barbara", "beatrice", "benjamin", "bethany", "betty", "bradley",
    "brandon", "brenda", "brian", "brittany", "bruce", "caleb", "cameron", "carl", "carol", "caroline",
    "catherine", "charles", "charlotte", "chloe", "christian", "christina", "christopher", "claire", "colin", "daniel",
    "david", "deborah", "dennis", "diana", "diane", "donald", "donna", "dorothy", "douglas", "dylan",
    "edward", "elijah", "elizabeth", "ella", "emily", "emma", "eric", "ethan", "eugene", "evelyn",
    "felix", "frances", "frank", "gabriel", "gary", "george", "gerald", "grace", "gregory", "hannah",
    "harold", "harry", "hazel", "heather", "helen", "henry", "isaac", "isabella", "ivy", "jack",
    "jacob", "james", "janet", "jason", "jeffrey", "jennifer", "jeremy", "jessica", "joan", "john",
    "jonathan", "jordan", "joseph", "joshua", "joyce", "judith", "julia", "julie", "justin", "karen",
    "katherine", "kathleen", "kayla", "keith", "kelly", "kenneth", "kevin", "kimberly", "laura", "lauren",
    "lawrence", "leah", "leo", "liam", "lily", "linda", "logan", "louis", "lucas", "lucy",
    "madison", "margaret", "maria", "marie", "mark", "martha", "mary", "mason", "matthew", "max",
    "megan", "melissa", "michael", "michelle", "mila", "nancy", "natalie", "nathan", "nicholas", "nicole",
    "noah", "nora", "oliver", "olivia", "oscar", "pamela", "patricia", "patrick", "paul", "peter",
    "philip", "quinn", "rachel", "ralph", "raymond", "rebecca", "richard", "robert", "roger", "ronald",
    "rose", "russell", "ruth", "ryan", "samantha", "samuel", "sandra", "sarah", "scott", "sean",
    "sharon", "sophia", "stephanie", "stephen", "steven", "susan", "teresa", "thomas", "timothy", "tyler",
    "victoria", "vincent", "violet", "walter", "wayne", "william", "willow", "xavier", "zachary", "zoe",
)


def sentiment():
    """The sentiment corpus: (train, test), each a list of (sentence, label) with 1 = positive."""
    return list(SENTIMENT_TRAIN), list(SENTIMENT_TEST)


def names() -> List[str]:
    """The 200 names, a fresh list (alphabetical)."""
    return list(NAMES)


def words(sentence: str) -> List[str]:
    """A sentence as its words: lowercased and split on whitespace."""
    return sentence.lower().split()


class Vocabulary:
    """Tokens <-> integer ids, in a stable order: `specials` first (as given), then the rest sorted.

        vocab = Vocabulary([["not", "bad"], ["bad"]])      # from sequences of tokens
        vocab.tokens                                      # ['bad', 'not']
        vocab.encode(["not", "bad"])                      # [1, 0]
        vocab.decode([1, 0])                              # ['not', 'bad']

    Sorting (rather than order of first appearance) makes the ids independent
    of the order of the training sentences. An unknown token raises
    ValueError naming it.
    """

    def __init__(self, sequences: Iterable[Sequence[str]], specials: Sequence[str] = ()):
        seen = set(specials)
        if len(seen) != len(specials):
            raise ValueError(f"Vocabulary: repeated special tokens in {list(specials)!r}")
        others = set()
        for sequence in sequences:
            if isinstance(sequence, str):
                raise ValueError(f"Vocabulary: expected sequences of tokens, got the string {sequence!r} "
                                 f"(split it first: text.words(sentence), or list(name) for characters)")
            for token in sequence:
                if token not in seen:
                    others.add(token)
        self.tokens: List[str] = list(specials) + sorted(others)
        self.index = {token: i for i, token in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token) -> bool:
        return token in self.index

    def encode(self, tokens: Sequence[str]) -> List[int]:
        """The ids of the tokens, in order."""
        ids = []
        for position, token in enumerate(tokens):
            if token not in self.index:
                raise ValueError(f"Vocabulary: unknown token {token!r} at position {position}")
            ids.append(self.index[token])
        return ids

    def decode(self, ids: Sequence[int]) -> List[str]:
        """The tokens of the ids, in order."""
        out = []
        for position, i in enumerate(ids):
            if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(self.tokens):
                raise ValueError(f"Vocabulary: id {i!r} at position {position} is not in 0..{len(self.tokens) - 1}")
            out.append(self.tokens[i])
        return out

    def __repr__(self) -> str:
        return f"Vocabulary({len(self.tokens)} tokens)"


def one_hot(ids: Sequence[int], size: int) -> List[List[float]]:
    """One row per id, with 1.0 at the id's index: the input of an RNN without an Embedding."""
    rows = []
    for position, i in enumerate(ids):
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < size:
            raise ValueError(f"one_hot: id {i!r} at position {position} is not in 0..{size - 1}")
        row = [0.0] * size
        row[i] = 1.0
        rows.append(row)
    return rows
