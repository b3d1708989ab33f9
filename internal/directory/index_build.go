package directory

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// indexRankSQL and indexLoadSQL read every agency staff may see, and say which of them the
// public may see, with the visibility condition of every other directory query: $1 is a
// staff viewer's IsStaff (true), $2 the public's (false). So the index's two document sets
// are exactly what the SQL for those viewers returns. Lexemes and term ids come as
// space-separated text, read without a copy per word: at 100,000 agencies that is ten
// million words.
var (
	indexRankSQL = `SELECT a.id, a.name FROM agencies a WHERE ` + visibleAgency
	indexLoadSQL = `SELECT a.id, a.slug, a.name, a.kind, a.summary, a.phone, a.open_24h,
	a.visibility = 'staff', ` + strings.ReplaceAll(visibleAgency, "$1", "$2") + `,
	array_to_string(tsvector_to_array(ts_filter(a.search_vector, '{a}')), ' '),
	array_to_string(tsvector_to_array(ts_filter(a.search_vector, '{b}')), ' '),
	array_to_string(tsvector_to_array(ts_filter(a.search_vector, '{c}')), ' '),
	(SELECT string_agg(area_id::text, ' ') FROM agency_areas WHERE agency_id = a.id),
	(SELECT string_agg(category_id::text, ' ') FROM agency_categories WHERE agency_id = a.id),
	(SELECT string_agg(audience_id::text, ' ') FROM agency_audiences WHERE agency_id = a.id)
FROM unnest($3::bigint[]) WITH ORDINALITY AS r(id, n) JOIN agencies a ON a.id = r.id
WHERE ` + visibleAgency + `
ORDER BY r.n`
)

// loadPart reads the agencies with these ids (every agency when ids is nil) and builds a
// part of them numbered from first, with the visibility of its documents. It reads in one
// snapshot of the database, in two passes: names first, to number documents in rank order,
// then everything else in that order, so every bitmap is built by appending.
func loadPart(ctx context.Context, db *pgxpool.Pool, first uint32, ids []int64) (pt *part, live, public *roaring.Bitmap, err error) {
	err = pgx.BeginTxFunc(ctx, db, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		sql, args := indexRankSQL, []any{true}
		if ids != nil {
			sql, args = sql+" AND a.id = ANY($2)", append(args, ids)
		}
		ranked, err := loadRanks(ctx, tx, sql, args)
		if err != nil {
			return err
		}
		pt, live, public, err = fileDocs(ctx, tx, first, ranked)
		return err
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("directory: load index: %w", err)
	}
	return pt, live, public, nil
}

// loadRanks lists the agencies' ids in rank order.
func loadRanks(ctx context.Context, tx pgx.Tx, sql string, args []any) ([]int64, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	type named struct {
		d   doc
		key string
	}
	var all []named
	for rows.Next() {
		var n named
		if err := rows.Scan(&n.d.id, &n.d.name); err != nil {
			return nil, err
		}
		n.key = sortKey(&n.d)
		all = append(all, n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b named) int { return compareDocs(&a.d, &b.d, a.key, b.key) })
	ids := make([]int64, len(all))
	for i, n := range all {
		ids[i] = n.d.id
	}
	return ids, nil
}

// fileDocs reads the documents of the ranked ids, in that order, and files them.
func fileDocs(ctx context.Context, tx pgx.Tx, first uint32, ranked []int64) (*part, *roaring.Bitmap, *roaring.Bitmap, error) {
	b := newPartBuilder(first, len(ranked))
	rows, err := tx.Query(ctx, indexLoadSQL, true, false, ranked)
	if err != nil {
		return nil, nil, nil, err
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		d := &doc{}
		var public bool
		if err := rows.Scan(&d.id, &d.slug, &d.name, &d.kind, &d.summary, &d.phone, &d.open24h, &d.staffOnly,
			&public, nil, nil, nil, nil, nil, nil); err != nil {
			return nil, nil, nil, err
		}
		if i >= len(ranked) || d.id != ranked[i] {
			return nil, nil, nil, fmt.Errorf("agency %d read out of rank order", d.id)
		}
		raw := rows.RawValues()
		b.add(uint32(i), d, public, raw[9], raw[10], raw[11], raw[12], raw[13], raw[14])
		i++
	}
	if err := rows.Err(); err != nil {
		return nil, nil, nil, err
	}
	if i != len(ranked) {
		return nil, nil, nil, fmt.Errorf("read %d of %d agencies", i, len(ranked))
	}
	pt, live, public := b.finish()
	return pt, live, public, nil
}

// partBuilder files documents into a part's bitmaps. Documents come in increasing number,
// so each lexeme's numbers are gathered in a short slice and appended to its bitmaps a block
// at a time: far fewer cache misses than setting bits one by one across thousands of
// bitmaps, and the memory it takes is bounded by the block size.
type partBuilder struct {
	pt           *part
	live, public *roaring.Bitmap
	pending      map[string]*pendingPostings
}

type pendingPostings struct {
	post              *postings
	name, strong, any []uint32
}

const pendingBlock = 1024

func (p *pendingPostings) flush() {
	p.post.name.AddMany(p.name)
	p.post.strong.AddMany(p.strong)
	p.post.any.AddMany(p.any)
	p.name, p.strong, p.any = p.name[:0], p.strong[:0], p.any[:0]
}

func newPartBuilder(first uint32, n int) *partBuilder {
	pt := newPart(first)
	pt.docs.rows = make([]docRow, 0, n)
	return &partBuilder{pt: pt, live: roaring.New(), public: roaring.New(), pending: map[string]*pendingPostings{}}
}

// add files d as the part's i-th document; documents must come in order of i. Lexemes (by
// weight) and term ids are space-separated; the bytes are not kept.
func (b *partBuilder) add(i uint32, d *doc, public bool, lexA, lexB, lexC, areas, categories, audiences []byte) {
	pt := b.pt
	n := pt.first + i
	b.live.Add(n)
	if public {
		b.public.Add(n)
	}
	b.file(lexA, n, inName)
	b.file(lexB, n, inStrong)
	b.file(lexC, n, inAny)
	d.areas = fileIDs(pt.areas, areas, n)
	fileIDs(pt.categories, categories, n)
	fileIDs(pt.audiences, audiences, n)
	pt.docs.add(d)
	k := pt.kinds[d.kind]
	if k == nil {
		k = roaring.New()
		pt.kinds[d.kind] = k
	}
	k.Add(n)
	if d.open24h {
		pt.open24h.Add(n)
	}
}

func (b *partBuilder) file(words []byte, n uint32, c class) {
	for w := range bytes.FieldsSeq(words) {
		p := b.pending[string(w)] // no copy: the lookup does not keep the key
		if p == nil {
			p = &pendingPostings{post: &postings{roaring.New(), roaring.New(), roaring.New()}}
			b.pending[string(w)] = p
		}
		// A lexeme can carry several weights in one document: file it once per class.
		if c <= inName && (len(p.name) == 0 || p.name[len(p.name)-1] != n) {
			p.name = append(p.name, n)
		}
		if c <= inStrong && (len(p.strong) == 0 || p.strong[len(p.strong)-1] != n) {
			p.strong = append(p.strong, n)
		}
		if len(p.any) == 0 || p.any[len(p.any)-1] != n {
			p.any = append(p.any, n)
		}
		if len(p.any) == pendingBlock {
			p.flush()
		}
	}
}

func fileIDs(m map[int64]*roaring.Bitmap, text []byte, n uint32) []int64 {
	var out []int64
	for f := range bytes.FieldsSeq(text) {
		id, err := strconv.ParseInt(string(f), 10, 64)
		if err != nil {
			continue
		}
		out = append(out, id)
		b := m[id]
		if b == nil {
			b = roaring.New()
			m[id] = b
		}
		b.Add(n)
	}
	return out
}

// finish compresses the bitmaps and makes the lexicon for prefixes and typos.
func (b *partBuilder) finish() (*part, *roaring.Bitmap, *roaring.Bitmap) {
	pt := b.pt
	pt.lexemes = make([]string, 0, len(b.pending))
	for w, pp := range b.pending {
		pp.flush()
		p := pp.post
		pt.post[w] = p
		pt.lexemes = append(pt.lexemes, w)
		p.name.RunOptimize()
		p.strong.RunOptimize()
		p.any.RunOptimize()
		addDeletions(pt.byDeletion, w)
	}
	slices.Sort(pt.lexemes)
	for _, m := range []map[int64]*roaring.Bitmap{pt.areas, pt.categories, pt.audiences} {
		for _, bm := range m {
			bm.RunOptimize()
		}
	}
	return pt, b.live, b.public
}

// newSnapshot makes a snapshot whose base is a whole load.
func newSnapshot(version uint64, base *part, live, public *roaring.Bitmap, tax taxonomy) *snapshot {
	s := &snapshot{version: version, base: base, live: live, public: public, tax: tax,
		byID: make(map[int64]uint32, base.docs.len())}
	for i, r := range base.docs.rows {
		s.byID[r.id] = uint32(i)
	}
	s.recent = newPart(uint32(base.docs.len()))
	return s
}

// withChanges returns a snapshot whose recent part is pt: the current documents of every
// agency in changed (every agency changed since the base was built; those missing from pt
// are gone from the index). The base keeps its numbering; the changed agencies' base
// documents just leave the live and public sets.
func (s *snapshot) withChanges(version uint64, changed map[int64]bool, pt *part, live, public *roaring.Bitmap) *snapshot {
	first := uint64(s.base.docs.len())
	baseLive := roaring.New()
	baseLive.AddRange(0, first)
	for id := range changed {
		if n, ok := s.byID[id]; ok {
			baseLive.Remove(n)
		}
	}
	basePublic := s.public.Clone()
	basePublic.RemoveRange(first, first+uint64(s.recent.docs.len()))
	basePublic.And(baseLive)
	live.Or(baseLive)
	public.Or(basePublic)
	return &snapshot{version: version, base: s.base, recent: pt, byID: s.byID, live: live, public: public, tax: s.tax}
}
