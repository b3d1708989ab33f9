package directory

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// osa is the textbook distance nearWords must agree with: insertions, deletions,
// substitutions and swaps of neighbours, each costing one.
func osa(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func TestNearWordsFindsExactlyTheWordsWithinTheBudget(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	letters := "abcdeor"
	word := func() string {
		b := make([]byte, 1+r.IntN(10))
		for i := range b {
			b[i] = letters[r.IntN(len(letters))]
		}
		return string(b)
	}
	var words []string
	for range 3000 {
		words = append(words, word())
	}
	slices.Sort(words)
	words = slices.Compact(words)
	for range 300 {
		q := word()
		for k := 1; k <= 2; k++ {
			got := map[string]int{}
			nearWords(words, q, k, func(i, d int) { got[words[i]] = d })
			for _, w := range words {
				want := osa(q, w)
				if d, ok := got[w]; ok != (want <= k) || (ok && d != want) {
					t.Fatalf("q=%q k=%d w=%q: got (%d, %v), distance %d", q, k, w, d, ok, want)
				}
			}
		}
	}
}

func TestTypoBudgetFollowsWordLength(t *testing.T) {
	for w, want := range map[string]int{"rape": 0, "refug": 1, "stalking": 1, "harrasment": 2, "domestik": 1, "": 0} {
		if got := typoBudget(w); got != want {
			t.Errorf("typoBudget(%q) = %d, want %d", w, got, want)
		}
	}
}
