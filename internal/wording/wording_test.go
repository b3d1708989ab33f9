package wording

import "testing"

func TestCount(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0 organisations"}, {1, "1 organisation"}, {2, "2 organisations"}, {1000, "1000 organisations"}} {
		if got := Count(c.n, "organisation", "organisations"); got != c.want {
			t.Errorf("Count(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	if HaveHas(1) != "has" || HaveHas(3) != "have" || IsAre(1) != "is" || IsAre(0) != "are" {
		t.Error("verbs do not agree with their counts")
	}
}
