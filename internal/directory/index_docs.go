package directory

import "unsafe"

// docTable holds a part's documents packed: all their text in one byte slice and the rest in
// fixed-size rows of numbers. At 100,000 agencies that is half a million strings the garbage
// collector would otherwise trace on every cycle; packed, it has two pointer-free arrays to
// skip, and a collection under load takes a fraction of the time (BENCHMARKS.md).
type docTable struct {
	text  []byte
	areas []int64
	rows  []docRow
}

type span struct{ off, n uint32 }

type docRow struct {
	id                               int64
	slug, name, kind, summary, phone span
	areas                            span
	open24h, staffOnly               bool
}

func (t *docTable) len() int { return len(t.rows) }

// add appends d as the next document.
func (t *docTable) add(d *doc) {
	str := func(s string) span {
		sp := span{uint32(len(t.text)), uint32(len(s))}
		t.text = append(t.text, s...)
		return sp
	}
	r := docRow{id: d.id, slug: str(d.slug), name: str(d.name), kind: str(string(d.kind)),
		summary: str(d.summary), phone: str(d.phone), open24h: d.open24h, staffOnly: d.staffOnly,
		areas: span{uint32(len(t.areas)), uint32(len(d.areas))}}
	t.areas = append(t.areas, d.areas...)
	t.rows = append(t.rows, r)
}

// doc is document i. Its strings point into the table's text without a copy: the table is
// never changed once its part is built, so they stay valid (and keep the text alive) for as
// long as anyone holds them.
func (t *docTable) doc(i int) doc {
	r := &t.rows[i]
	str := func(s span) string {
		if s.n == 0 {
			return ""
		}
		return unsafe.String(&t.text[s.off], int(s.n))
	}
	return doc{id: r.id, slug: str(r.slug), name: str(r.name), kind: Kind(str(r.kind)), summary: str(r.summary),
		phone: str(r.phone), open24h: r.open24h, staffOnly: r.staffOnly,
		areas: t.areas[r.areas.off : r.areas.off+r.areas.n : r.areas.off+r.areas.n]}
}
