package directory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/edit"
)

// indexRankSQL and indexLoadSQL read every agency staff may see, and say which of them the
// public may see, with the visibility condition of every other directory query: $1 is a
// staff viewer's IsStaff (true), $2 the public's (false). So the index's two document sets
// are exactly what the SQL for those viewers returns. The search vector comes as text, read
// without a copy per word (see eachLexeme): at 100,000 agencies that is ten million words.
var (
	indexRankSQL = `SELECT a.id, a.name FROM agencies a WHERE ` + visibleAgency
	indexLoadSQL = `SELECT a.id, a.slug, a.name, a.kind, a.summary, agency_main_phone(a.id, a.visibility), a.open_24h,
	a.visibility = 'staff', ` + strings.ReplaceAll(visibleAgency, "$1", "$2") + `, a.search_vector::text,
	concat_ws(' ', a.name, a.summary, a.keywords, a.tags, a.description, a.eligibility), a.languages
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
		pt, live, public, err = fileDocs(ctx, tx, first, ranked, ids == nil)
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
func fileDocs(ctx context.Context, tx pgx.Tx, first uint32, ranked []int64, whole bool) (*part, *roaring.Bitmap, *roaring.Bitmap, error) {
	// The term links first, each table in one scan, so a document has its areas when it
	// is added.
	var terms [3]map[int64][]int64
	for i, t := range []struct{ table, col string }{
		{"agency_areas", "area_id"}, {"agency_categories", "category_id"}, {"agency_audiences", "audience_id"},
	} {
		var err error
		if terms[i], err = loadLinks(ctx, tx, t.table, t.col, ranked, whole); err != nil {
			return nil, nil, nil, err
		}
	}
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
		var languages []string
		if err := rows.Scan(&d.id, &d.slug, &d.name, &d.kind, &d.summary, &d.phone, &d.open24h, &d.staffOnly,
			&public, nil, nil, &languages); err != nil {
			return nil, nil, nil, err
		}
		if i >= len(ranked) || d.id != ranked[i] {
			return nil, nil, nil, fmt.Errorf("agency %d read out of rank order", d.id)
		}
		d.areas = terms[0][d.id]
		raw := rows.RawValues()
		b.add(uint32(i), d, public, raw[9], terms[1][d.id], terms[2][d.id])
		b.addWords(raw[10])
		b.addLanguages(uint32(i), languages)
		i++
	}
	if err := rows.Err(); err != nil {
		return nil, nil, nil, err
	}
	if i != len(ranked) {
		return nil, nil, nil, fmt.Errorf("read %d of %d agencies", i, len(ranked))
	}
	if err := b.addContacts(ctx, tx, ranked, whole); err != nil {
		return nil, nil, nil, err
	}
	pt, live, public := b.finish()
	return pt, live, public, nil
}

// loadLinks reads which terms each agency is filed under, for all agencies (whole) or for
// these ids.
func loadLinks(ctx context.Context, tx pgx.Tx, table, col string, ids []int64, whole bool) (map[int64][]int64, error) {
	sql, args := `SELECT agency_id, `+col+` FROM `+table, []any{}
	if !whole {
		sql, args = sql+` WHERE agency_id = ANY($1)`, append(args, ids)
	}
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]int64{}
	var agency, term int64
	for rows.Next() {
		if err := rows.Scan(&agency, &term); err != nil {
			return nil, err
		}
		out[agency] = append(out[agency], term)
	}
	return out, rows.Err()
}

// eachLexeme calls fn with each lexeme of a tsvector in PostgreSQL's text form, such as
// `'aid':2A 'support':3B,9`, and the best class its weights give it. In that form a quote in
// a lexeme is doubled and a backslash escapes the next byte. The lexeme shares v's memory
// unless it had to be unescaped.
func eachLexeme(v []byte, fn func(lex []byte, c class)) {
	var scratch []byte
	for i := 0; i < len(v); {
		if v[i] != '\'' {
			i++
			continue
		}
		i++
		start := i
		var lex []byte
		escaped := false
		for i < len(v) {
			ch := v[i]
			if ch == '\'' && (i+1 >= len(v) || v[i+1] != '\'') {
				break
			}
			if ch == '\'' || ch == '\\' { // '' and \x stand for ' and x
				if !escaped {
					scratch, escaped = append(scratch[:0], v[start:i]...), true
				}
				if i+1 < len(v) {
					scratch = append(scratch, v[i+1])
				}
				i += 2
				continue
			}
			if escaped {
				scratch = append(scratch, ch)
			}
			i++
		}
		if lex = v[start:min(i, len(v))]; escaped {
			lex = scratch
		}
		i++ // the closing quote
		c := inAny
		if i < len(v) && v[i] == ':' {
			for ; i < len(v) && v[i] != ' '; i++ {
				switch v[i] {
				case 'A':
					c = inName
				case 'B':
					c = min(c, inStrong)
				}
			}
		}
		fn(lex, c)
	}
}

// partBuilder files documents into a part's bitmaps. Documents come in increasing number,
// so each lexeme's numbers are gathered in a short slice and appended to its bitmaps a block
// at a time: far fewer cache misses than setting bits one by one across thousands of
// bitmaps, and the memory it takes is bounded by the block size.
type partBuilder struct {
	pt           *part
	live, public *roaring.Bitmap
	pending      map[string]*pendingPostings
	words        map[string]struct{}
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
	return &partBuilder{pt: pt, live: roaring.New(), public: roaring.New(), pending: map[string]*pendingPostings{},
		words: map[string]struct{}{}}
}

// add files d as the part's i-th document; documents must come in order of i. vector is the
// agency's search_vector as text; its bytes are not kept.
func (b *partBuilder) add(i uint32, d *doc, public bool, vector []byte, categories, audiences []int64) {
	pt := b.pt
	n := pt.first + i
	b.live.Add(n)
	if public {
		b.public.Add(n)
	}
	eachLexeme(vector, func(lex []byte, c class) { b.file(lex, n, c) })
	fileIDs(pt.areas, d.areas, n)
	fileIDs(pt.categories, categories, n)
	fileIDs(pt.audiences, audiences, n)
	pt.docs.add(d)
	if d.phone != "" {
		if k, ok := phoneKey(d.phone); ok {
			pt.phones = append(pt.phones, phoneEntry{number: k, doc: n})
		}
	}
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

// file adds document n to the postings of lexeme w in class c (and the classes that
// include it).
func (b *partBuilder) file(w []byte, n uint32, c class) {
	p := b.pending[string(w)] // no copy: the lookup does not keep the key
	if p == nil {
		p = &pendingPostings{post: &postings{roaring.New(), roaring.New(), roaring.New()}}
		b.pending[string(w)] = p
	}
	// A lexeme is listed once per document, with its best weight.
	if c <= inName {
		p.name = append(p.name, n)
	}
	if c <= inStrong {
		p.strong = append(p.strong, n)
	}
	p.any = append(p.any, n)
	if len(p.any) == pendingBlock {
		p.flush()
	}
}

// addWords files the words of an agency's text for prefix and typo matching.
func (b *partBuilder) addWords(text []byte) {
	eachWord(text, func(w []byte) {
		if _, ok := b.words[string(w)]; !ok && !stopWords[string(w)] {
			b.words[string(w)] = struct{}{}
		}
	})
}

// addLanguages files the languages document i works in, as a filter and as words.
func (b *partBuilder) addLanguages(i uint32, languages []string) {
	pt, n := b.pt, b.pt.first+i
	for _, l := range languages {
		slug := edit.Slug(l, "")
		if slug == "" {
			continue
		}
		if _, ok := pt.langNames[slug]; !ok {
			pt.langNames[slug] = l
			pt.languages[slug] = roaring.New()
		}
		pt.languages[slug].Add(n)
		for _, w := range foldWords(l) {
			if !stopWords[w] {
				b.words[w] = struct{}{} // their lexemes are in the search vector
			}
		}
	}
}

// contactsSQL reads what staff search contacts by: role title, person name and numbers.
const contactsSQL = `SELECT c.agency_id, c.role_title || ' ' || c.person_name,
	ARRAY(SELECT p->>'number' FROM jsonb_array_elements(c.phones) p)
FROM contacts c WHERE c.archived_at IS NULL`

// addContacts files the contacts of the part's agencies: their words for staff searches and
// their numbers.
func (b *partBuilder) addContacts(ctx context.Context, tx pgx.Tx, ranked []int64, whole bool) error {
	docOf := make(map[int64]uint32, len(ranked))
	for i, id := range ranked {
		docOf[id] = b.pt.first + uint32(i)
	}
	sql, args := contactsSQL, []any{}
	if !whole {
		sql, args = sql+` AND c.agency_id = ANY($1)`, append(args, ranked)
	}
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var agency int64
	var text string
	var numbers []string
	for rows.Next() {
		if err := rows.Scan(&agency, &text, &numbers); err != nil {
			return err
		}
		n, ok := docOf[agency]
		if !ok {
			continue
		}
		for _, w := range foldWords(text) {
			if stopWords[w] {
				continue
			}
			b.words[w] = struct{}{}
			lex := stem(w)
			bm := b.pt.contactPost[lex]
			if bm == nil {
				bm = roaring.New()
				b.pt.contactPost[lex] = bm
			}
			bm.Add(n)
		}
		for _, num := range numbers {
			if num != "" {
				if k, ok := phoneKey(num); ok {
					b.pt.phones = append(b.pt.phones, phoneEntry{number: k, doc: n, staffOnly: true})
				}
			}
		}
	}
	return rows.Err()
}

func fileIDs(m map[int64]*roaring.Bitmap, ids []int64, n uint32) {
	for _, id := range ids {
		b := m[id]
		if b == nil {
			b = roaring.New()
			m[id] = b
		}
		b.Add(n)
	}
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
	}
	slices.Sort(pt.lexemes)
	pt.words = make([]string, 0, len(b.words))
	for w := range b.words {
		pt.words = append(pt.words, w)
	}
	slices.Sort(pt.words)
	pt.wordLex = make([]string, len(pt.words))
	for i, w := range pt.words {
		pt.wordLex[i] = stem(w)
	}
	slices.SortFunc(pt.phones, func(a, b phoneEntry) int { return cmp.Compare(a.number, b.number) })
	for _, bm := range pt.contactPost {
		bm.RunOptimize()
	}
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
	s.langs = s.languages()
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
	next := &snapshot{version: version, base: s.base, recent: pt, byID: s.byID, live: live, public: public, tax: s.tax}
	next.langs = next.languages()
	return next
}
