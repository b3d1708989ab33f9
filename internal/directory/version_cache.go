package directory

import (
	"strconv"
	"sync"

	"dadirectory/internal/searchform"
)

// versionCache keeps answers read from the index or the database until the directory
// changes. Every committed change to agencies, contacts or the taxonomy makes a new index
// version (index_listen.go), and entries carry the version they were read at, so a stale
// entry is never served. The cache is emptied when the version moves on or when it is full,
// which bounds its memory.
//
// Why: most visits ask the same few things (everything listed, "refuge", the key contacts, a
// popular agency) and the directory changes a few times a day. A kept answer costs a map
// lookup; searching costs tens of microseconds and an agency page five queries.
type versionCache[K comparable, V any] struct {
	mu      sync.RWMutex
	version uint64
	entries map[K]V
	max     int
}

func (c *versionCache[K, V]) get(key K, version uint64) (V, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.version != version {
		var zero V
		return zero, false
	}
	v, ok := c.entries[key]
	return v, ok
}

// put keeps v, read while the index was at version. Callers take the version before reading,
// so an answer read across a change is filed under the older version and never served.
func (c *versionCache[K, V]) put(key K, version uint64, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version < c.version {
		return
	}
	if version > c.version || c.entries == nil || len(c.entries) >= c.max {
		c.version, c.entries = version, make(map[K]V)
	}
	c.entries[key] = v
}

// cached answers from c while the index is in touch with the database, and otherwise reads
// with load (and keeps the answer).
func cached[K comparable, V any](ix *index, c *versionCache[K, V], key K, load func() (V, error)) (V, error) {
	version, ok := ix.version()
	if ok {
		if v, hit := c.get(key, version); hit {
			return v, nil
		}
	}
	v, err := load()
	if err == nil && ok {
		c.put(key, version, v)
	}
	return v, err
}

type agencyKey struct {
	slug  string
	staff bool
}

// searchKey is the query in a canonical form, with the one thing about the viewer that
// changes results: whether they are staff.
func searchKey(staff bool, q Query) string {
	f := q.filters()
	return strconv.FormatBool(staff) + "|" + searchform.Encode(q.Text, q.Page, f[:]...)
}
