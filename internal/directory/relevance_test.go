package directory_test

import (
	"bufio"
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
)

// relevanceCase is one line of testdata/relevance.txt.
type relevanceCase struct {
	query       string
	staff       bool
	top5, top10 []string
}

func readRelevanceSet(t *testing.T) []relevanceCase {
	t.Helper()
	f, err := os.Open("testdata/relevance.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []relevanceCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "|")
		if len(parts) != 4 {
			t.Fatalf("relevance.txt:%d: want 4 fields separated by |, got %q", n, line)
		}
		c := relevanceCase{query: strings.TrimSpace(parts[0]), staff: strings.TrimSpace(parts[1]) == "staff",
			top5: strings.Fields(parts[2]), top10: strings.Fields(parts[3])}
		if v := strings.TrimSpace(parts[1]); v != "staff" && v != "public" {
			t.Fatalf("relevance.txt:%d: viewer %q", n, v)
		}
		if len(c.top5)+len(c.top10) == 0 {
			t.Fatalf("relevance.txt:%d: no organisation expected", n)
		}
		out = append(out, c)
	}
	return out
}

// TestSearchRelevance runs the relevance set and reports recall@5 (of the organisations that
// must be in the first 5), recall@10 (of all of them) and the mean reciprocal rank of the first
// expected organisation. It fails below 0.95 recall@10, and names every miss.
func TestSearchRelevance(t *testing.T) {
	s, _ := demoStore(t)
	ctx := context.Background()
	cases := readRelevanceSet(t)
	if len(cases) < 60 {
		t.Fatalf("only %d queries in the relevance set", len(cases))
	}
	public, staff := access.Viewer{}, access.Viewer{UserID: 1, Role: access.HousingStaff}
	var r5, r10, mrr float64
	n5 := 0
	for _, c := range cases {
		v := public
		if c.staff {
			v = staff
		}
		res, err := s.Search(ctx, v, directory.Query{Text: c.query, Page: 1})
		if err != nil {
			t.Fatalf("%q: %v", c.query, err)
		}
		var got []string
		for _, a := range res.Agencies {
			got = append(got, a.Slug)
		}
		rank := func(slug string) int { return slices.Index(got, slug) + 1 } // 0: not found
		all := append(slices.Clone(c.top5), c.top10...)
		found5, found10, first := 0, 0, 0
		for _, slug := range c.top5 {
			if r := rank(slug); r >= 1 && r <= 5 {
				found5++
			}
		}
		for _, slug := range all {
			r := rank(slug)
			if r >= 1 && r <= 10 {
				found10++
				if first == 0 || r < first {
					first = r
				}
			} else {
				t.Logf("miss: %q (%s): %s at rank %d; first 10: %v", c.query, map[bool]string{true: "staff", false: "public"}[c.staff],
					slug, r, got[:min(10, len(got))])
			}
		}
		for _, slug := range c.top5 {
			if r := rank(slug); r > 5 {
				t.Logf("late: %q: %s at rank %d, want the first 5", c.query, slug, r)
			}
		}
		if len(c.top5) > 0 {
			r5 += float64(found5) / float64(len(c.top5))
			n5++
		}
		r10 += float64(found10) / float64(len(all))
		if first > 0 {
			mrr += 1 / float64(first)
		}
	}
	r5 /= float64(n5)
	r10 /= float64(len(cases))
	mrr /= float64(len(cases))
	t.Logf("relevance set: %d queries: recall@5 %.3f, recall@10 %.3f, MRR %.3f", len(cases), r5, r10, mrr)
	if r10 < 0.95 {
		t.Errorf("recall@10 is %.3f, below 0.95", r10)
	}
}
