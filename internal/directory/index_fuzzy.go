package directory

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Typo tolerance follows the defaults of Meilisearch and Typesense, which people know from
// other sites: no typo in a word of up to 4 letters, one from 5 letters, two from 9.
func typoBudget(word string) int {
	switch n := utf8.RuneCountInString(word); {
	case n >= 9:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// nearWords calls fn with the index of every word in the sorted list words whose distance
// from q is at most k (a letter missing, extra or wrong, or two neighbours swapped, each
// counting one), with that distance. It walks the list as the trie it is sorted into: the
// distance rows of a shared prefix are computed once, and a prefix already more than k away
// skips every word that starts with it, so a query visits a few hundred prefixes, not the
// whole vocabulary. Distances are in bytes, which for the folded ASCII of most entries is
// letters.
func nearWords(words []string, q string, k int, fn func(i, dist int)) {
	if k <= 0 || len(words) == 0 {
		return
	}
	m := len(q)
	rows := [][]int{make([]int, m+1)}
	for j := range rows[0] {
		rows[0][j] = j
	}
	prev, valid := "", 0 // the last word walked and how many of its rows are computed
	for i := 0; i < len(words); {
		w := words[i]
		d := min(commonPrefix(prev, w), valid)
		pruned := 0
		for d < len(w) {
			d++
			if len(rows) <= d {
				rows = append(rows, make([]int, m+1))
			}
			row, up := rows[d], rows[d-1]
			row[0] = d
			best := d
			for j := 1; j <= m; j++ {
				cost := 1
				if w[d-1] == q[j-1] {
					cost = 0
				}
				v := min(up[j]+1, row[j-1]+1, up[j-1]+cost)
				if d > 1 && j > 1 && w[d-1] == q[j-2] && w[d-2] == q[j-1] {
					v = min(v, rows[d-2][j-2]+1)
				}
				row[j] = v
				best = min(best, v)
			}
			if best > k {
				pruned = d
				break
			}
		}
		prev, valid = w, d
		if pruned > 0 {
			// No word starting with w[:pruned] can come within k: skip them all.
			p := w[:pruned]
			i += sortSearch(words[i:], p)
			continue
		}
		if dist := rows[len(w)][m]; dist <= k {
			fn(i, dist)
		}
		i++
	}
}

// sortSearch is the number of words at the start of the sorted list that begin with p (at
// least one). It gallops: a pruned prefix usually covers a few words, so doubling steps find
// the end sooner than a search of the whole rest of the list.
func sortSearch(words []string, p string) int {
	hi := 1
	for hi < len(words) && strings.HasPrefix(words[hi], p) {
		hi *= 2
	}
	lo := hi / 2
	hi = min(hi, len(words))
	n, _ := slices.BinarySearch(words[lo:hi], p+"\xff")
	return max(lo+n, 1)
}

func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// prefixRange is the run of the sorted list words that start with p.
func prefixRange(words []string, p string) (lo, hi int) {
	lo, _ = slices.BinarySearch(words, p)
	hi, _ = slices.BinarySearch(words, p+"\xff")
	return lo, max(lo, hi)
}
