"""ekinerja.memo: a value is built once per key; the oldest go first beyond the count or the size."""
from ekinerja import memo


def test_built_once_per_key_and_the_oldest_go_first(monkeypatch):
    memo.forget()
    built = []

    def build(name):
        def make():
            built.append(name)
            return name * 1000
        return make

    assert memo.remembered(("a", 1), build("a")) == "a" * 1000
    assert memo.remembered(("a", 1), build("a")) == "a" * 1000
    assert built == ["a"]
    assert memo.remembered(("a", 2), build("b")) == "b" * 1000   # a new version: built again
    monkeypatch.setattr(memo, "ENTRIES", 2)
    memo.remembered(("a", 1), build("a"))        # used: now the newest
    memo.remembered(("c", 1), build("c"))        # three entries: ("a", 2) goes
    memo.remembered(("a", 2), build("b"))
    assert built == ["a", "b", "c", "b"]
    monkeypatch.setattr(memo, "BYTES", 2500)     # two entries of about 1,100 bytes fit, not three
    memo.remembered(("d", 1), build("d"))
    memo.remembered(("a", 1), build("a"))
    assert built[-2:] == ["d", "a"]
    memo.forget()
