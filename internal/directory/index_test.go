package directory

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"

	"dadirectory/internal/searchform"
)

// These tests check the index's bitmaps, tiers, paging and merging of recent changes
// against a plain reference: every document checked one by one. Documents are made up here
// (no database), so thousands of random queries run in a moment.

// loadedDoc is a made-up agency: a document and what it is filed under.
type loadedDoc struct {
	doc
	public                bool
	lexA, lexB, lexC      []string
	words                 string // the text's words, when they are not just its lexemes
	categories, audiences []int64
}

// buildTestPart files documents the way loadPart does: in rank order, numbered from first.
func buildTestPart(first uint32, ds []*loadedDoc) (*part, *roaring.Bitmap, *roaring.Bitmap) {
	ds = slices.Clone(ds)
	slices.SortFunc(ds, func(a, b *loadedDoc) int { return compareDocs(&a.doc, &b.doc, sortKey(&a.doc), sortKey(&b.doc)) })
	pb := newPartBuilder(first, len(ds))
	for i, d := range ds {
		dd := d.doc
		pb.add(uint32(i), &dd, d.public, tsvectorText(d), d.categories, d.audiences)
		words := d.words
		if words == "" {
			words = strings.Join(slices.Concat(d.lexA, d.lexB, d.lexC), " ")
		}
		pb.addWords([]byte(words))
	}
	return pb.finish()
}

// tsvectorText writes a document's lexemes as PostgreSQL prints a tsvector: each lexeme once,
// quoted (a quote doubled), with a position per weight it has.
func tsvectorText(d *loadedDoc) []byte {
	weights := map[string]string{}
	var order []string
	for _, x := range []struct {
		lex    []string
		weight string
	}{{d.lexA, "A"}, {d.lexB, "B"}, {d.lexC, ""}} {
		for _, l := range x.lex {
			if _, ok := weights[l]; !ok {
				order = append(order, l)
			} else {
				weights[l] += ","
			}
			weights[l] += fmt.Sprint(len(order)) + x.weight
		}
	}
	slices.Sort(order)
	var b []byte
	for _, l := range order {
		b = fmt.Appendf(b, "'%s':%s ", strings.ReplaceAll(l, "'", "''"), weights[l])
	}
	return b
}

func buildSnapshot(version uint64, ds []*loadedDoc, tax taxonomy) *snapshot {
	base, live, public := buildTestPart(0, ds)
	return newSnapshot(version, base, live, public, tax)
}

var testVocab = []string{"women", "aid", "support", "refug", "hous", "advic", "famili", "children",
	"lanarkshir", "motherwel", "violenc", "domest", "abus", "helplin", "counsel", "legal", "men", "lgbt"}

func randomDocs(r *rand.Rand, n int, firstID int64) []*loadedDoc {
	pick := func(k int) []string {
		var out []string
		for range k {
			w := testVocab[r.IntN(len(testVocab))]
			if !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
		return out
	}
	var ds []*loadedDoc
	for i := range n {
		a := pick(1 + r.IntN(3))
		d := &loadedDoc{
			doc: doc{id: firstID + int64(i), slug: fmt.Sprintf("agency-%d", firstID+int64(i)),
				name: strings.Join(a, " ") + fmt.Sprintf(" %c", 'A'+rune(r.IntN(26))),
				kind: Kinds[r.IntN(len(Kinds))].Value, open24h: r.IntN(4) == 0,
				areas: []int64{int64(1 + r.IntN(4))}},
			public:     r.IntN(5) != 0,
			lexA:       a,
			lexB:       pick(r.IntN(4)),
			lexC:       pick(r.IntN(6)),
			categories: []int64{int64(1 + r.IntN(3))},
		}
		d.staffOnly = !d.public
		ds = append(ds, d)
	}
	return ds
}

func testTaxonomy() taxonomy {
	set := func(prefix string, n int) termSet {
		ts := termSet{bySlug: map[string]int64{}, byID: map[int64]termName{}}
		for i := 1; i <= n; i++ {
			slug := fmt.Sprintf("%s-%d", prefix, i)
			ts.current = append(ts.current, Term{Slug: slug, Name: slug})
			ts.bySlug[slug] = int64(i)
			ts.byID[int64(i)] = termName{slug, i}
		}
		return ts
	}
	return taxonomy{areas: set("area", 4), categories: set("cat", 3), audiences: set("aud", 2)}
}

// reference answers q by checking every document, in the order and tiers Search promises,
// for the slots the analysis of q gives (the analysis itself is tested by the relevance set).
func reference(s *snapshot, docs map[int64]*loadedDoc, staff bool, q Query) (total int, page []string) {
	a := s.analyse(q.Text, staff)
	lexemes := func(d *loadedDoc, c class) []string {
		lex := slices.Clone(d.lexA)
		if c >= inStrong {
			lex = append(lex, d.lexB...)
		}
		if c >= inAny {
			lex = append(lex, d.lexC...)
		}
		return lex
	}
	matches := func(d *loadedDoc, sl *slot, qq quality, c class) bool {
		if sl.typoOnly && qq < qTypo {
			return false
		}
		lex := lexemes(d, c)
		alts := sl.exact
		if (qq == qExact || qq == qTypo) && len(alts) > 1 {
			alts = alts[:1]
		}
		for _, alt := range alts {
			if !slices.ContainsFunc(alt, func(l string) bool { return !slices.Contains(lex, l) }) {
				return true
			}
		}
		if qq >= qPrefix && slices.ContainsFunc(sl.prefix, func(l string) bool { return slices.Contains(lex, l) }) {
			return true
		}
		if !sl.typoOnly {
			lex = d.lexA // near spellings of a word found as typed count in names only
		}
		return qq >= qTypo && slices.ContainsFunc(sl.typos, func(l string) bool { return slices.Contains(lex, l) })
	}
	passes := func(d *loadedDoc) bool {
		if (!staff && !d.public) || (q.Open24 && !d.open24h) {
			return false
		}
		if len(q.Areas) > 0 && !slices.ContainsFunc(d.areas, func(id int64) bool { return slices.Contains(q.Areas, fmt.Sprintf("area-%d", id)) }) {
			return false
		}
		if len(q.Categories) > 0 && !slices.ContainsFunc(d.categories, func(id int64) bool { return slices.Contains(q.Categories, fmt.Sprintf("cat-%d", id)) }) {
			return false
		}
		return len(q.Kinds) == 0 || slices.Contains(q.Kinds, string(d.kind))
	}
	all := func(d *loadedDoc, slots []slot, qq quality, c class) bool {
		for i := range slots {
			if !matches(d, &slots[i], qq, c) {
				return false
			}
		}
		return true
	}
	anyDoc := func(slots []slot) bool {
		for _, d := range docs {
			if passes(d) && all(d, slots, qTypoSynonym, inAny) {
				return true
			}
		}
		return false
	}
	// Leave out slots as search does: those matching nothing; then, if the rest match
	// nothing together, rank by how many match.
	slots := a.slots
	partial := false
	if len(slots) > 0 && !anyDoc(slots) {
		var kept []slot
		for _, sl := range slots {
			if anyDoc([]slot{sl}) {
				kept = append(kept, sl)
			}
		}
		if len(kept) == 0 {
			return 0, nil
		}
		slots, partial = kept, len(kept) > 1 && !anyDoc(kept)
	}
	tierOf := func(d *loadedDoc) int {
		if len(slots) == 0 {
			return 0
		}
		if partial {
			n := 0
			for i := range slots {
				if matches(d, &slots[i], qTypoSynonym, inAny) {
					n++
				}
			}
			if n == 0 {
				return -1
			}
			return len(slots) - n
		}
		for t, tc := range tierOrder {
			if all(d, slots, tc.q, tc.c) {
				return t
			}
		}
		return -1
	}
	type hit struct {
		d    *loadedDoc
		tier int
	}
	var hits []hit
	for _, d := range docs {
		if !passes(d) {
			continue
		}
		if t := tierOf(d); t >= 0 {
			hits = append(hits, hit{d, t})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.tier != b.tier {
			return a.tier - b.tier
		}
		return compareDocs(&a.d.doc, &b.d.doc, sortKey(&a.d.doc), sortKey(&b.d.doc))
	})
	for i := (q.Page - 1) * PageSize; i < len(hits) && i < q.Page*PageSize; i++ {
		page = append(page, hits[i].d.slug)
	}
	return len(hits), page
}

func randomQuery(r *rand.Rand) Query {
	q := Query{Page: 1 + r.IntN(3)}
	typo := func(w string) string {
		if len(w) < 5 || r.IntN(2) == 0 {
			return w
		}
		i := r.IntN(len(w))
		return w[:i] + w[i+1:]
	}
	for range r.IntN(3) {
		w := testVocab[r.IntN(len(testVocab))]
		w = w[:1+r.IntN(len(w))] // a prefix, as people type
		if r.IntN(3) == 0 {
			w = typo(testVocab[r.IntN(len(testVocab))])
		}
		q.Text += w + " "
	}
	if r.IntN(5) == 0 {
		q.Text += "dv"
	}
	if r.IntN(3) == 0 {
		q.Areas = []string{fmt.Sprintf("area-%d", 1+r.IntN(4))}
	}
	if r.IntN(4) == 0 {
		q.Categories = []string{fmt.Sprintf("cat-%d", 1+r.IntN(3)), fmt.Sprintf("cat-%d", 1+r.IntN(3))}
	}
	if r.IntN(5) == 0 {
		q.Kinds = []string{string(Kinds[r.IntN(len(Kinds))].Value)}
	}
	q.Open24 = r.IntN(6) == 0
	return q
}

func checkAgainstReference(t *testing.T, r *rand.Rand, s *snapshot, docs map[int64]*loadedDoc, queries int) {
	t.Helper()
	for range queries {
		q := randomQuery(r)
		staff := r.IntN(2) == 0
		res, _, err := s.search(staff, q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		total, want := reference(s, docs, staff, q)
		var got []string
		for _, a := range res.Agencies {
			got = append(got, a.Slug)
			if !staff && a.StaffOnly {
				t.Fatalf("%+v: public search returned staff-only %s", q, a.Slug)
			}
		}
		if res.Total != total || !slices.Equal(got, want) {
			t.Fatalf("staff=%v %+v:\n got total %d %v\nwant total %d %v", staff, q, res.Total, got, total, want)
		}
	}
}

func TestIndexMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ds := randomDocs(r, 600, 1)
	docs := map[int64]*loadedDoc{}
	for _, d := range ds {
		docs[d.id] = d
	}
	s := buildSnapshot(1, slices.Clone(ds), testTaxonomy())
	checkAgainstReference(t, r, s, docs, 2000)
}

// After changes, the base keeps its numbering and the changed agencies come from the recent
// part: results must be exactly what a fresh build would give.
func TestIndexRecentChangesMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	ds := randomDocs(r, 500, 1)
	docs := map[int64]*loadedDoc{}
	for _, d := range ds {
		docs[d.id] = d
	}
	s := buildSnapshot(1, slices.Clone(ds), testTaxonomy())
	recent := map[int64]bool{}
	nextID := int64(1000)
	for round := range 20 {
		// Edit some, remove some (archived or deleted), add some.
		for _, d := range randomDocs(r, 5, 0) {
			id := int64(1 + r.IntN(500))
			d.id, d.slug = id, fmt.Sprintf("agency-%d", id)
			recent[id], docs[id] = true, d
		}
		gone := int64(1 + r.IntN(500))
		recent[gone] = true
		delete(docs, gone)
		for _, d := range randomDocs(r, 2, nextID) {
			recent[d.id], docs[d.id] = true, d
		}
		nextID += 2
		var changed []*loadedDoc
		for id := range recent {
			if d := docs[id]; d != nil {
				changed = append(changed, d)
			}
		}
		pt, live, public := buildTestPart(uint32(s.base.docs.len()), changed)
		s = s.withChanges(uint64(round+2), recent, pt, live, public)
		checkAgainstReference(t, r, s, docs, 200)
	}
}

func TestIndexForgivesTypos(t *testing.T) {
	ds := []*loadedDoc{
		{doc: doc{id: 1, slug: "womens-aid", name: "Women's Aid"}, public: true, lexA: []string{"women", "aid"}, words: "womens aid"},
		{doc: doc{id: 2, slug: "aid-line", name: "Aid Line"}, public: true, lexA: []string{"aid", "line"}, lexC: []string{"woman"},
			words: "aid line woman"},
	}
	s := buildSnapshot(1, ds, testTaxonomy())
	// Words nothing matches as typed are read as their near spellings.
	for _, text := range []string{"womens aid", "womns aid", "wmoens aid", "womesn aid"} {
		res, _, err := s.search(false, Query{Text: text, Page: 1})
		if err != nil || len(res.Agencies) == 0 || res.Agencies[0].Slug != "womens-aid" {
			t.Errorf("%q: %v %+v", text, err, res.Agencies)
		}
	}
	// A word found as typed also finds near spellings in names, after every match as typed:
	// "woman" finds Aid Line by its text first, then Women's Aid by its name.
	res, _, _ := s.search(false, Query{Text: "woman", Page: 1})
	if res.Total != 2 || res.Agencies[0].Slug != "aid-line" || res.Agencies[1].Slug != "womens-aid" {
		t.Errorf("woman: %+v", res.Agencies)
	}
	// Short words forgive no typo: "aif" is not "aid".
	if res, _, _ := s.search(false, Query{Text: "aif", Page: 1}); res.Total != 0 {
		t.Errorf("aif: %+v", res.Agencies)
	}
}

// Which words exist and which are typos is decided over the words the viewer may see: a
// staff-only agency's "Stretford" must not turn an anonymous "stret" into an unfinished word
// that matches nothing public, which would hide the public agency in a "street" and let
// probing spellings reveal hidden text (issue 14, finding 4).
func TestIndexTyposOnlyOverWordsTheViewerMaySee(t *testing.T) {
	ds := []*loadedDoc{
		{doc: doc{id: 1, slug: "drop-in", name: "Drop In"}, public: true, lexA: []string{"drop"},
			lexC: []string{"street"}, words: "drop in street"},
		{doc: doc{id: 2, slug: "hidden", name: "Hidden", staffOnly: true}, public: false, lexA: []string{"hidden"},
			lexC: []string{"stretford"}, words: "hidden stretford"},
	}
	s := buildSnapshot(1, ds, testTaxonomy())
	res, a, err := s.search(false, Query{Text: "stret", Page: 1})
	if err != nil || res.Total != 1 || res.Agencies[0].Slug != "drop-in" {
		t.Errorf("anonymous stret: %v %+v", err, res.Agencies)
	}
	for _, sl := range a.slots {
		if slices.Contains(sl.prefix, "stretford") || slices.Contains(sl.typos, "stretford") {
			t.Errorf("anonymous stret was read with a hidden word: %+v", sl)
		}
	}
	if res.Suggestion == "stretford" {
		t.Errorf("anonymous stret suggests a hidden word")
	}
	// Staff may see both, the unfinished word first.
	res, _, _ = s.search(true, Query{Text: "stret", Page: 1})
	if res.Total < 1 || res.Agencies[0].Slug != "hidden" {
		t.Errorf("staff stret: %+v", res.Agencies)
	}
}

func TestIndexStopWordsAskForNothing(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	s := buildSnapshot(1, randomDocs(r, 50, 1), testTaxonomy())
	all, _, _ := s.search(true, Query{Page: 1})
	res, _, err := s.search(true, Query{Text: "the and of", Page: 1})
	if err != nil || res.Total != all.Total {
		t.Errorf("stop words only: %d results, want all %d (%v)", res.Total, all.Total, err)
	}
}

func TestIndexRefusesUnknownFilter(t *testing.T) {
	s := buildSnapshot(1, nil, testTaxonomy())
	_, _, err := s.search(false, Query{Areas: []string{"atlantis"}, Page: 1})
	if e, ok := err.(*searchform.UnknownFilterError); !ok || e.Field != "area" || e.Value != "atlantis" {
		t.Errorf("err = %v", err)
	}
}

func TestEachLexemeReadsPostgresText(t *testing.T) {
	type got struct {
		lex string
		c   class
	}
	var all []got
	eachLexeme([]byte(`'aid':2A,7 'it''s':3B 'back\\slash':4 'support':5C,6B 'women':1A`), func(l []byte, c class) {
		all = append(all, got{string(l), c})
	})
	want := []got{{"aid", inName}, {"it's", inStrong}, {`back\slash`, inAny}, {"support", inStrong}, {"women", inName}}
	if !slices.Equal(all, want) {
		t.Errorf("got %v, want %v", all, want)
	}
}
