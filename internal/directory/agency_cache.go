package directory

import "sync"

// agencyCache keeps agency pages' data between changes to the directory. An agency page
// takes five queries; most visits are to a few agencies, and the directory changes a few
// times a day, so almost every visit can be answered from memory.
//
// Entries are keyed by the index's version: every committed change to agencies, contacts or
// the taxonomy makes a new version (index_listen.go), so a stale entry is never served. The
// cache is emptied when the version moves on or when it is full, which bounds its memory.
type agencyCache struct {
	mu      sync.RWMutex
	version uint64
	entries map[agencyKey]Agency
}

type agencyKey struct {
	slug  string
	staff bool
}

const maxCachedAgencies = 5000

func (c *agencyCache) get(slug string, staff bool, version uint64) (Agency, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.version != version {
		return Agency{}, false
	}
	a, ok := c.entries[agencyKey{slug, staff}]
	return a, ok
}

// put keeps a, read while the index was at version. Callers read version before reading
// the agency, so an agency read across a change is filed under the older version and
// never served.
func (c *agencyCache) put(slug string, staff bool, version uint64, a Agency) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version < c.version {
		return
	}
	if version > c.version || len(c.entries) >= maxCachedAgencies {
		c.version, c.entries = version, map[agencyKey]Agency{}
	}
	c.entries[agencyKey{slug, staff}] = a
}
