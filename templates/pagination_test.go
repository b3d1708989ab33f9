package templates

import (
	"slices"
	"testing"
)

// pageLinks must give what walking every page would: first, last, two either side of the
// current page, and one 0 for each gap.
func TestPageLinks(t *testing.T) {
	walk := func(page, pages int) []int {
		var out []int
		for n := 1; n <= pages; n++ {
			if n == 1 || n == pages || (n >= page-2 && n <= page+2) {
				out = append(out, n)
			} else if len(out) > 0 && out[len(out)-1] != 0 {
				out = append(out, 0)
			}
		}
		return out
	}
	for pages := 0; pages <= 12; pages++ {
		for page := 1; page <= max(pages, 1); page++ {
			if got, want := pageLinks(page, pages), walk(page, pages); !slices.Equal(got, want) {
				t.Errorf("page %d of %d: %v, want %v", page, pages, got, want)
			}
		}
	}
}
