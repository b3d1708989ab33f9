package directory

import (
	"strconv"
	"sync"
)

// searchCache keeps recent result pages until the directory changes. Searching the index
// takes tens of microseconds, but a handful of searches (everything, "refuge", "housing", an
// area) make up most of what people ask, and a kept page costs nothing to find. Entries carry
// the snapshot's version, so a page is never served after a change; the cache is emptied when
// the version moves on or when it is full, which bounds its memory.
type searchCache struct {
	mu      sync.RWMutex
	version uint64
	entries map[string]Results
}

const maxCachedSearches = 2000

// searchKey is the query in a canonical form, with the one thing about the viewer that
// changes results: whether they are staff.
func searchKey(staff bool, q Query) string {
	return strconv.FormatBool(staff) + "|" + strconv.Itoa(q.Page) + "|" + q.Values().Encode()
}

func (c *searchCache) get(key string, version uint64) (Results, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.version != version {
		return Results{}, false
	}
	r, ok := c.entries[key]
	return r, ok
}

func (c *searchCache) put(key string, version uint64, r Results) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version < c.version {
		return
	}
	if version > c.version || len(c.entries) >= maxCachedSearches {
		c.version, c.entries = version, map[string]Results{}
	}
	c.entries[key] = r
}
