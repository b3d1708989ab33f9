package directory

import (
	"cmp"
	"slices"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"dadirectory/internal/searchform"
)

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
	if len(q.Languages) > 0 {
		var any []*roaring.Bitmap
		for _, slug := range q.Languages {
			known := false
			for _, pt := range s.parts() {
				if b := pt.languages[slug]; b != nil {
					known = true
					any = append(any, b)
				}
			}
			if !known {
				return nil, &searchform.UnknownFilterError{Field: "language", Value: slug}
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

// search answers q for a viewer who is staff or not, and returns the analysis it searched
// by. Results come in tiers, each in name order: every slot matched as typed, then allowing
// synonyms, then allowing unfinished words, then near spellings (the looser the match, the
// later); within each, in the name before the summary before anywhere. When the text names a
// place, the services covering it come first (those naming it first of all) and those covering
// the whole council area or the nation after. Words that match nothing are left out, and the
// results say so; when the rest still match nothing together, the documents matching most of
// them come first (Results.Partial).
func (s *snapshot) search(staff bool, q Query) (Results, analysis, error) {
	res, a, tiers, err := s.rank(staff, q)
	if err != nil || tiers == nil {
		return res, a, err
	}
	res.Pages = (res.Total + PageSize - 1) / PageSize
	if res.Total == 0 || q.Page > res.Pages {
		return res, a, nil
	}
	res.Agencies = s.summaries(s.slice(tiers, (q.Page-1)*PageSize, PageSize), a)
	return res, a, nil
}

// summaries are the results' view of documents, in order.
func (s *snapshot) summaries(page []doc, a analysis) []AgencySummary {
	out := make([]AgencySummary, len(page))
	councilWide := s.allAreas()
	for i, d := range page {
		out[i] = AgencySummary{Slug: d.slug, Name: d.name, Kind: d.kind, Summary: d.summary,
			Phone: d.phone, Open24h: d.open24h, StaffOnly: d.staffOnly}
		if reach := reachOf(d, councilWide); reach == ReachLocal || (reach == ReachNational && !coversAll(d, councilWide)) {
			out[i].Areas = s.tax.areas.names(d.areas)
		} else {
			out[i].CoversAll = true
		}
		if a.areas != nil {
			out[i].Reach = reachOf(d, councilWide)
		}
	}
	return out
}

// slice is take documents of the tiers, in order, after skipping skip.
func (s *snapshot) slice(tiers []*roaring.Bitmap, skip, take int) []doc {
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
	return page
}

// rank is the matches of q in tiers, in the order search shows them (every document of a
// tier before the next tier's, each tier in rank order), with the results' Total, Place,
// Unmatched, Partial and Suggestion filled in. No tiers (nil) means nothing can match.
func (s *snapshot) rank(staff bool, q Query) (Results, analysis, []*roaring.Bitmap, error) {
	res := Results{Query: q}
	match, err := s.filtered(staff, q)
	if err != nil {
		return res, analysis{}, nil, err
	}
	a := s.analyse(q.Text, staff)
	var local, wide *roaring.Bitmap
	if a.areas != nil {
		local, wide = s.placeSets(a.areas)
		match = roaring.And(match, roaring.Or(local, wide))
		res.Place = a.place
		if len(a.areas) == 1 {
			res.PlaceArea = s.tax.areas.term(a.areas[0])
		}
	}
	slots := a.slots
	var tiers []*roaring.Bitmap
	if len(slots) == 0 {
		tiers = []*roaring.Bitmap{match}
	} else {
		slots, res.Unmatched = s.droppable(slots, match, staff)
		a.slots = slots
		if len(slots) == 0 {
			if a.areas == nil {
				return res, a, nil, nil
			}
			tiers = []*roaring.Bitmap{match}
		} else if len(slots) > 1 && s.together(slots, match, staff).IsEmpty() {
			tiers, res.Partial = s.partial(slots, match, staff), true
		} else {
			tiers = s.tiers(slots, match, staff)
		}
	}
	if a.areas != nil {
		// Local services first, those naming the place first of all, then the ones that
		// cover everywhere, each in the tiers' order.
		named := s.inNames(a.placeWords)
		byReach := make([]*roaring.Bitmap, 0, 3*len(tiers))
		for _, t := range tiers {
			byReach = append(byReach, roaring.And(roaring.AndNot(t, wide), named))
		}
		for _, t := range tiers {
			l := roaring.AndNot(t, wide)
			l.AndNot(named)
			byReach = append(byReach, l)
		}
		for _, t := range tiers {
			byReach = append(byReach, roaring.And(t, wide))
		}
		tiers = byReach
	}
	res.Suggestion = suggestion(q.Text, slots)
	for _, t := range tiers {
		res.Total += int(t.GetCardinality())
	}
	return res, a, tiers, nil
}

// placeSets splits the documents by how they cover the areas of a place: local ones cover one
// of them; wide ones are national helplines or cover every area of the council.
func (s *snapshot) placeSets(areas []int64) (local, wide *roaring.Bitmap) {
	var in []*roaring.Bitmap
	for _, pt := range s.parts() {
		for _, id := range areas {
			if b := pt.areas[id]; b != nil {
				in = append(in, b)
			}
		}
	}
	local = roaring.FastOr(in...)
	var national []*roaring.Bitmap
	every := s.allAreas()
	for _, pt := range s.parts() {
		if b := pt.kinds["helpline"]; b != nil {
			national = append(national, b)
		}
		if len(every) == 0 {
			continue
		}
		all := make([]*roaring.Bitmap, 0, len(every))
		for _, id := range every {
			b := pt.areas[id]
			if b == nil {
				all = nil
				break
			}
			all = append(all, b)
		}
		if len(all) > 0 {
			national = append(national, roaring.FastAnd(all...))
		}
	}
	wide = roaring.FastOr(national...)
	return local, wide
}

// inNames is the documents whose names have every one of these words.
func (s *snapshot) inNames(words []string) *roaring.Bitmap {
	lex := lexemesOf(strings.Join(words, " "))
	out := roaring.New()
	for _, pt := range s.parts() {
		var all []*roaring.Bitmap
		for _, l := range lex {
			p := pt.post[l]
			if p == nil {
				all = nil
				break
			}
			all = append(all, p.name)
		}
		if len(all) > 0 {
			out.Or(roaring.FastAnd(all...))
		}
	}
	return out
}

// allAreas are the ids of the council's current areas.
func (s *snapshot) allAreas() []int64 {
	out := make([]int64, 0, len(s.tax.areas.current))
	for _, t := range s.tax.areas.current {
		out = append(out, s.tax.areas.bySlug[t.Slug])
	}
	return out
}

// reachOf says how document d covers a place: a national helpline, every area, or locally.
func reachOf(d doc, every []int64) Reach {
	switch {
	case d.kind == "helpline":
		return ReachNational
	case coversAll(d, every):
		return ReachCouncil
	}
	return ReachLocal
}

// coversAll reports whether document d covers every one of the council's areas.
func coversAll(d doc, every []int64) bool {
	for _, id := range every {
		if !slices.Contains(d.areas, id) {
			return false
		}
	}
	return len(every) > 0
}

// droppable leaves out the slots that match nothing on their own ("tonight" in "somewhere
// to stay tonight") when not every slot matches together, and returns the slots kept and the
// words left out.
func (s *snapshot) droppable(slots []slot, match *roaring.Bitmap, staff bool) ([]slot, []string) {
	if !s.together(slots, match, staff).IsEmpty() {
		return slots, nil
	}
	var left []string
	kept := slots[:0:0]
	for i := range slots {
		if roaring.And(s.slotBits(&slots[i], qTypoSynonym, inAny, staff), match).IsEmpty() {
			left = append(left, slots[i].words...)
		} else {
			kept = append(kept, slots[i])
		}
	}
	return kept, left
}

// together is the documents in match that every slot matches, however loosely.
func (s *snapshot) together(slots []slot, match *roaring.Bitmap, staff bool) *roaring.Bitmap {
	out := match.Clone()
	for i := range slots {
		out.And(s.slotBits(&slots[i], qTypoSynonym, inAny, staff))
		if out.IsEmpty() {
			break
		}
	}
	return out
}

// partial is the answer when no document matches every slot ("feeling suicidal" where one
// service says "feeling low" and another "suicide"): the documents matching most of them
// first, each group in name order, as Meilisearch's "words" rule ranks.
func (s *snapshot) partial(slots []slot, match *roaring.Bitmap, staff bool) []*roaring.Bitmap {
	// atLeast[k] is the documents matching at least k slots.
	atLeast := []*roaring.Bitmap{match}
	for i := range slots {
		b := s.slotBits(&slots[i], qTypoSynonym, inAny, staff)
		atLeast = append(atLeast, roaring.New())
		for k := len(atLeast) - 1; k >= 1; k-- {
			atLeast[k].Or(roaring.And(atLeast[k-1], b))
		}
	}
	var out []*roaring.Bitmap
	for k := len(slots); k >= 1; k-- {
		t := atLeast[k].Clone()
		if k < len(slots) {
			t.AndNot(atLeast[k+1])
		}
		out = append(out, t)
	}
	return out
}

// tierOrder is the order of (quality, class) pairs results show in.
var tierOrder = func() []tierKey {
	var out []tierKey
	for _, q := range []quality{qExact, qSynonym, qPrefix, qTypo, qTypoSynonym} {
		for _, c := range []class{inName, inStrong, inAny} {
			out = append(out, tierKey{q, c})
		}
	}
	return out
}()

type tierKey struct {
	q quality
	c class
}

// tiers splits the documents in match that every slot matches into the tiers of tierOrder.
// Each tier's documents are found within all matches (the loosest pair), each AND starting
// from the smaller side, and take away those an earlier tier has shown.
func (s *snapshot) tiers(slots []slot, match *roaring.Bitmap, staff bool) []*roaring.Bitmap {
	all := func(q quality, c class, within *roaring.Bitmap) *roaring.Bitmap {
		sets := make([]*roaring.Bitmap, 0, len(slots))
		for i := range slots {
			sets = append(sets, s.slotBits(&slots[i], q, c, staff))
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
	everything := all(qTypoSynonym, inAny, match)
	total := everything.GetCardinality()
	seen := roaring.New()
	out := make([]*roaring.Bitmap, 0, len(tierOrder))
	// sameAsBefore: every slot matches at this pair exactly what it matched at an earlier
	// quality in the same class (a word with no synonyms, say), so the tier adds nothing.
	sameAsBefore := func(t tierKey) bool {
		for q := qExact; q < t.q; q++ {
			same := true
			for i := range slots {
				if s.slotBits(&slots[i], t.q, t.c, staff) != s.slotBits(&slots[i], q, t.c, staff) {
					same = false
					break
				}
			}
			if same {
				return true
			}
		}
		return false
	}
	for i, t := range tierOrder {
		var tier *roaring.Bitmap
		switch {
		case seen.GetCardinality() == total || sameAsBefore(t):
			tier = empty
		case i == len(tierOrder)-1:
			tier = everything
		default:
			tier = all(t.q, t.c, everything)
		}
		if tier != empty {
			tier.AndNot(seen)
			seen.Or(tier)
		}
		out = append(out, tier)
	}
	return out
}

// suggestion is the text with its misspelt words corrected, or "" when none was.
func suggestion(text string, slots []slot) string {
	fix := map[string]string{}
	for _, sl := range slots {
		for i, f := range sl.fixes {
			if f != "" {
				fix[sl.words[i]] = f
			}
		}
	}
	if len(fix) == 0 {
		return ""
	}
	ws := searchform.Words(text)
	for i, w := range ws {
		if f, ok := fix[w]; ok {
			ws[i] = f
		}
	}
	return strings.Join(ws, " ")
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
