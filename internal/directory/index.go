package directory

import (
	"cmp"
	"strings"
	"unicode"

	"github.com/RoaringBitmap/roaring/v2"
)

// The in-memory search index. Why it exists: at 100,000 agencies, ranking every match in
// PostgreSQL costs seconds per broad query; from memory it costs microseconds, leaving the
// page render as the main cost (see BENCHMARKS.md).
//
// How it stays fast: documents are numbered in rank order (by name) when the index is built,
// so the first set bits of a result bitmap are the first results and a page needs no sort.
// Every lexeme, filter value and the visibility rule is a roaring bitmap; a query is a few
// ORs and ANDs of them, and the total is a popcount.
//
// How it stays exact and fresh: a snapshot is immutable and swapped in whole (readers never
// lock). A change to a few agencies does not renumber: their old documents are dropped from
// the live set and their new versions go into a small "recent" part, numbered after the base
// and searched the same way; results merge the two parts by name. When the recent part grows
// large, or after a bulk load, the whole index is rebuilt. Visibility comes from the same SQL
// condition every other query uses (visibleAgency), evaluated by PostgreSQL at load time.

// doc is what a result row shows of one agency, and nothing more: memory scales with it.
type doc struct {
	id        int64
	slug      string
	name      string
	kind      Kind
	summary   string
	phone     string
	open24h   bool
	staffOnly bool
	areas     []int64 // area ids, named from the snapshot's taxonomy when shown
}

// sortKey is the rank order of documents: name without case or apostrophes, then the exact
// name, then id, so the order is total and the same on every instance.
func sortKey(d *doc) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '\'', '’', '‘', '`':
			return -1
		}
		return unicode.ToLower(r)
	}, d.name)
}

func compareDocs(a, b *doc, ka, kb string) int {
	if c := strings.Compare(ka, kb); c != 0 {
		return c
	}
	if c := strings.Compare(a.name, b.name); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

// postings are the documents a lexeme appears in, by the weight PostgreSQL gave it: A (the
// name), B (summary, keywords, tags) and C (description, eligibility). Each set includes the
// ones before it, so a class is one bitmap.
type postings struct {
	name   *roaring.Bitmap // weight A
	strong *roaring.Bitmap // A or B
	any    *roaring.Bitmap // A, B or C
}

// class picks one of the three sets.
type class int

const (
	inName class = iota
	inStrong
	inAny
)

func (p *postings) get(c class) *roaring.Bitmap {
	switch c {
	case inName:
		return p.name
	case inStrong:
		return p.strong
	}
	return p.any
}

// part is one numbered run of documents with their postings and filter bitmaps: the base,
// built in rank order, or the recent changes, built in rank order among themselves.
type part struct {
	first   uint32   // number of the part's first document
	docs    docTable // row i is document first+i
	lexemes []string
	post    map[string]*postings
	// words are the folded words of the part's text, sorted, and wordLex the lexeme each
	// stems to: prefixes and typos are matched on the words people type, not on stems.
	words   []string
	wordLex []string
	// contactPost are the lexemes of contacts' role titles and names, which only staff
	// search, by document.
	contactPost map[string]*roaring.Bitmap
	// phones are the agencies' main numbers (public) and their contacts' numbers (staff),
	// sorted by number.
	phones     []phoneEntry
	languages  map[string]*roaring.Bitmap // by language slug
	langNames  map[string]string          // slug -> name as entries write it
	areas      map[int64]*roaring.Bitmap
	categories map[int64]*roaring.Bitmap
	audiences  map[int64]*roaring.Bitmap
	kinds      map[Kind]*roaring.Bitmap
	open24h    *roaring.Bitmap
}

// snapshot is one immutable state of the index.
type snapshot struct {
	version uint64 // changes with every applied change, so caches can key on it
	base    *part
	recent  *part
	byID    map[int64]uint32 // base document of each agency id still in the base
	live    *roaring.Bitmap  // current documents: what staff may see
	public  *roaring.Bitmap  // current documents the public may see
	tax     taxonomy
	langs   []Term // the languages of public documents, by name (languages)
}

func (s *snapshot) doc(n uint32) doc {
	if n >= s.recent.first {
		return s.recent.docs.doc(int(n - s.recent.first))
	}
	return s.base.docs.doc(int(n))
}

func (s *snapshot) parts() [2]*part { return [2]*part{s.base, s.recent} }

// newPart starts an empty part numbered from first.
func newPart(first uint32) *part {
	return &part{
		first:       first,
		post:        map[string]*postings{},
		contactPost: map[string]*roaring.Bitmap{},
		languages:   map[string]*roaring.Bitmap{},
		langNames:   map[string]string{},
		areas:       map[int64]*roaring.Bitmap{},
		categories:  map[int64]*roaring.Bitmap{},
		audiences:   map[int64]*roaring.Bitmap{},
		kinds:       map[Kind]*roaring.Bitmap{},
		open24h:     roaring.New(),
	}
}

// phoneEntry is one number and the document it reaches, packed: at 100,000 agencies there
// are 400,000 of them, so no string each.
type phoneEntry struct {
	number    uint64 // phoneKey of the digits
	doc       uint32
	staffOnly bool
}

// phoneKey packs a number of up to 18 digits, keeping its leading zeros: a 1 goes before them.
func phoneKey(digits string) (uint64, bool) {
	if len(digits) == 0 || len(digits) > 18 {
		return 0, false
	}
	k := uint64(1)
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		k = k*10 + uint64(c-'0')
	}
	return k, true
}
