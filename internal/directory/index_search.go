package directory

import (
	"cmp"
	"slices"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"dadirectory/internal/abbrev"
	"dadirectory/internal/searchform"
)

// queryWord is one word of the search text and what it may match.
type queryWord struct {
	stem    string     // matched as a prefix, as PostgreSQL's "word:*" would
	phrases [][]string // abbreviation expansions: every lexeme of one phrase must match
	typos   []string   // lexemes one typo away
	// typoOnly: nothing matches the word as typed, so its near spellings are all it has.
	typoOnly bool
}

// analyse turns search text into query words. Stop words are dropped, as PostgreSQL drops
// them from agencies' text; text of stop words only asks for nothing in particular.
func (s *snapshot) analyse(text string) []queryWord {
	var out []queryWord
	for _, w := range searchform.Words(text) {
		if stopWords[w] {
			continue
		}
		qw := queryWord{stem: stem(w)}
		for _, phrase := range abbrev.Expansions(w) {
			var lexemes []string
			for _, pw := range strings.Fields(phrase) {
				if !stopWords[pw] {
					lexemes = append(lexemes, stem(pw))
				}
			}
			qw.phrases = append(qw.phrases, lexemes)
		}
		found := false
		seen := map[string]bool{}
		for _, pt := range s.parts() {
			found = found || pt.hasPrefix(qw.stem)
			for _, ph := range qw.phrases {
				found = found || pt.hasAll(ph)
			}
			nearWords(qw.stem, pt.byDeletion, func(lex string) {
				if !seen[lex] && !strings.HasPrefix(lex, qw.stem) {
					seen[lex] = true
					qw.typos = append(qw.typos, lex)
				}
			})
		}
		qw.typoOnly = !found
		out = append(out, qw)
	}
	return out
}

func (pt *part) hasAll(lexemes []string) bool {
	for _, l := range lexemes {
		if pt.post[l] == nil {
			return false
		}
	}
	return len(lexemes) > 0
}

// bits is the documents in which w matches in class c; with fuzzy, near spellings count too.
func (s *snapshot) bits(w queryWord, c class, fuzzy bool) *roaring.Bitmap {
	var bs []*roaring.Bitmap
	for _, pt := range s.parts() {
		pt.prefixed(w.stem, func(lex string) { bs = append(bs, pt.post[lex].get(c)) })
		for _, ph := range w.phrases {
			if !pt.hasAll(ph) {
				continue
			}
			all := make([]*roaring.Bitmap, len(ph))
			for i, l := range ph {
				all[i] = pt.post[l].get(c)
			}
			bs = append(bs, roaring.FastAnd(all...))
		}
		if fuzzy || w.typoOnly {
			for _, l := range w.typos {
				if p := pt.post[l]; p != nil {
					bs = append(bs, p.get(c))
				}
			}
		}
	}
	switch len(bs) {
	case 0:
		return roaring.New()
	case 1:
		return bs[0] // shared with the index: callers must not change it
	}
	return roaring.FastOr(bs...)
}

// filtered is the documents the viewer may see that pass the query's filters.
func (s *snapshot) filtered(staff bool, q Query) (*roaring.Bitmap, error) {
	visible := s.public
	if staff {
		visible = s.live
	}
	sets := []*roaring.Bitmap{visible}
	for _, f := range []struct {
		field string
		slugs []string
		terms termSet
		bits  func(*part) map[int64]*roaring.Bitmap
	}{
		{"area", q.Areas, s.tax.areas, func(p *part) map[int64]*roaring.Bitmap { return p.areas }},
		{"category", q.Categories, s.tax.categories, func(p *part) map[int64]*roaring.Bitmap { return p.categories }},
		{"audience", q.Audiences, s.tax.audiences, func(p *part) map[int64]*roaring.Bitmap { return p.audiences }},
	} {
		if len(f.slugs) == 0 {
			continue
		}
		var any []*roaring.Bitmap
		for _, slug := range f.slugs {
			id, ok := f.terms.bySlug[slug]
			if !ok {
				return nil, &searchform.UnknownFilterError{Field: f.field, Value: slug}
			}
			for _, pt := range s.parts() {
				if b := f.bits(pt)[id]; b != nil {
					any = append(any, b)
				}
			}
		}
		sets = append(sets, roaring.FastOr(any...))
	}
	if len(q.Kinds) > 0 {
		var any []*roaring.Bitmap
		for _, k := range q.Kinds {
			for _, pt := range s.parts() {
				if b := pt.kinds[Kind(k)]; b != nil {
					any = append(any, b)
				}
			}
		}
		sets = append(sets, roaring.FastOr(any...))
	}
	if q.Open24 {
		sets = append(sets, roaring.FastOr(s.base.open24h, s.recent.open24h))
	}
	if len(sets) == 1 {
		return visible, nil // shared: not to be changed
	}
	return roaring.FastAnd(sets...), nil
}

// search answers q for a viewer who is staff or not. Results come in tiers, each in name
// order: every word in the name; every word in the name allowing a typo; every word in the
// name, summary, keywords or tags; every word anywhere.
func (s *snapshot) search(staff bool, q Query) (Results, error) {
	res := Results{Query: q}
	match, err := s.filtered(staff, q)
	if err != nil {
		return res, err
	}
	tiers := []*roaring.Bitmap{match}
	if ws := s.analyse(q.Text); len(ws) > 0 {
		tiers = s.tiers(ws, match)
	}
	for _, t := range tiers {
		res.Total += int(t.GetCardinality())
	}
	res.Pages = (res.Total + PageSize - 1) / PageSize
	if res.Total == 0 || q.Page > res.Pages {
		return res, nil
	}
	skip, take := (q.Page-1)*PageSize, PageSize
	var page []doc
	for _, t := range tiers {
		n := int(t.GetCardinality())
		if skip >= n {
			skip -= n
			continue
		}
		page = s.collect(t, skip, take-len(page), page)
		skip = 0
		if len(page) == take {
			break
		}
	}
	res.Agencies = make([]AgencySummary, len(page))
	for i, d := range page {
		res.Agencies[i] = AgencySummary{Slug: d.slug, Name: d.name, Kind: d.kind, Summary: d.summary,
			Phone: d.phone, Open24h: d.open24h, StaffOnly: d.staffOnly, Areas: s.tax.areas.names(d.areas)}
	}
	return res, nil
}

// tiers splits the matches of the words among match into the tiers search shows in turn.
// The classes nest (a name match is also a summary match, and that a match anywhere), so the
// tighter tiers are found within the looser ones, each AND starting from the smaller side.
func (s *snapshot) tiers(ws []queryWord, match *roaring.Bitmap) []*roaring.Bitmap {
	all := func(c class, fuzzy bool, within *roaring.Bitmap) *roaring.Bitmap {
		sets := make([]*roaring.Bitmap, 0, len(ws)+1)
		for _, w := range ws {
			sets = append(sets, s.bits(w, c, fuzzy))
		}
		slices.SortFunc(sets, func(a, b *roaring.Bitmap) int {
			return cmp.Compare(a.GetCardinality(), b.GetCardinality())
		})
		out := roaring.And(sets[0], within)
		for _, b := range sets[1:] {
			if out.IsEmpty() {
				break
			}
			out.And(b)
		}
		return out
	}
	anywhere := all(inAny, false, match)
	strong := all(inStrong, false, anywhere)
	name := all(inName, false, strong)
	// Near spellings in names, for words also found as typed: "womans aid" finds Women's Aid.
	nameFuzzy := roaring.New()
	if slices.ContainsFunc(ws, func(w queryWord) bool { return len(w.typos) > 0 && !w.typoOnly }) {
		nameFuzzy = all(inName, true, match)
		nameFuzzy.AndNot(name)
	}
	anywhere.AndNot(strong)
	anywhere.AndNot(nameFuzzy)
	strong.AndNot(name)
	strong.AndNot(nameFuzzy)
	return []*roaring.Bitmap{name, nameFuzzy, strong, anywhere}
}

// collect appends to out up to take documents of t in rank order, after skipping skip.
func (s *snapshot) collect(t *roaring.Bitmap, skip, take int, out []doc) []doc {
	first := s.recent.first
	if t.IsEmpty() || take <= 0 {
		return out
	}
	if t.Maximum() < first || t.Minimum() >= first {
		// One part only: its numbers are its rank order, so jump straight to the page.
		start, err := t.Select(uint32(skip))
		if err != nil {
			return out
		}
		it := t.Iterator()
		it.AdvanceIfNeeded(start)
		for it.HasNext() && take > 0 {
			out = append(out, s.doc(it.Next()))
			take--
		}
		return out
	}
	// Both parts: merge them by name. The recent part is small, so walking from the start
	// costs little.
	var recent []uint32
	it := t.Iterator()
	it.AdvanceIfNeeded(first)
	for it.HasNext() {
		recent = append(recent, it.Next())
	}
	base := t.Iterator()
	var nb uint32
	haveBase := false
	next := func() (doc, bool) {
		if !haveBase && base.HasNext() {
			if nb = base.Next(); nb < first {
				haveBase = true
			}
		}
		switch {
		case haveBase && len(recent) > 0:
			b, r := s.doc(nb), s.doc(recent[0])
			if compareDocs(&b, &r, sortKey(&b), sortKey(&r)) <= 0 {
				haveBase = false
				return b, true
			}
			recent = recent[1:]
			return r, true
		case haveBase:
			haveBase = false
			return s.doc(nb), true
		case len(recent) > 0:
			r := s.doc(recent[0])
			recent = recent[1:]
			return r, true
		}
		return doc{}, false
	}
	for d, ok := next(); ok && take > 0; d, ok = next() {
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, d)
		take--
	}
	return out
}
