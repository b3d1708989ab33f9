package templates

import (
	"bytes"
	"context"
	"io"
	"sync"

	"github.com/a-h/templ"
)

// fragments keeps rendered pieces of pages that come out as the same bytes whenever their
// inputs are the same. The search page's filters are the case: some fifty checkboxes drawn
// on every search, unchanged unless a filter is ticked or the taxonomy is edited, and drawing
// them took a fifth of a search's time (BENCHMARKS.md, issue 18). The key is the whole input
// written out, not a version or a hash, so a kept piece can never be served for other input;
// an edit to the taxonomy just makes new keys, and the old ones go when the cache is full.
var fragments = fragmentCache{m: make(map[string][]byte)}

// maxFragments bounds the cache: a filter group is a few kilobytes, so this is well under a
// megabyte. Past it the cache starts again, which costs one drawing per key.
const maxFragments = 256

type fragmentCache struct {
	mu sync.RWMutex
	m  map[string][]byte
}

// fragment renders c once per key and then writes the kept bytes. c must depend on nothing
// but what key spells out (no context values, no children).
func fragment(key string, c templ.Component) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		fragments.mu.RLock()
		b, ok := fragments.m[key]
		fragments.mu.RUnlock()
		if !ok {
			var buf bytes.Buffer
			if err := c.Render(ctx, &buf); err != nil {
				return err
			}
			b = buf.Bytes()
			fragments.mu.Lock()
			if len(fragments.m) >= maxFragments {
				clear(fragments.m)
			}
			fragments.m[key] = b
			fragments.mu.Unlock()
		}
		_, err := w.Write(b)
		return err
	})
}
