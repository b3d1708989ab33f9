package directory

import "strings"

// ChampionRow is one champion as the home pages' table shows them: the person once, with
// every area they cover, their desk and mobile numbers apart.
type ChampionRow struct {
	Contact
	Areas []Term
}

// ChampionTable is the champions of a list of areas, one row per person, in the order of the
// first area each covers, and the areas that no one covers.
type ChampionTable struct {
	Rows      []ChampionRow
	Uncovered []Term
}

// ByChampion turns areas-with-champions (a person under each area they cover) into one row
// per champion, so a person who covers three areas is listed once.
func ByChampion(areas []AreaChampions) ChampionTable {
	var t ChampionTable
	index := map[int64]int{}
	for _, a := range areas {
		if len(a.Champions) == 0 {
			t.Uncovered = append(t.Uncovered, a.Area)
			continue
		}
		for _, c := range a.Champions {
			i, seen := index[c.ID]
			if !seen {
				i = len(t.Rows)
				index[c.ID] = i
				t.Rows = append(t.Rows, ChampionRow{Contact: c})
			}
			t.Rows[i].Areas = append(t.Rows[i].Areas, a.Area)
		}
	}
	return t
}

// AreaNames is the areas covered, as words: "Cumbernauld, Kilsyth".
func (r ChampionRow) AreaNames() string {
	names := make([]string, len(r.Areas))
	for i, a := range r.Areas {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}

// DeskPhones and MobilePhones split a contact's numbers: a number is a mobile when its label
// says so, or, without a label, when it is a UK mobile number (07...).
func (c Contact) DeskPhones() []Phone { return c.phonesWhere(false) }

// MobilePhones: see DeskPhones.
func (c Contact) MobilePhones() []Phone { return c.phonesWhere(true) }

func (c Contact) phonesWhere(mobile bool) []Phone {
	var out []Phone
	for _, p := range c.Phones {
		if p.IsMobile() == mobile {
			out = append(out, p)
		}
	}
	return out
}

// IsMobile reports whether the number is a mobile's, by its label or else by its digits.
func (p Phone) IsMobile() bool {
	if l := strings.ToLower(p.Label); l != "" {
		return strings.Contains(l, "mobile")
	}
	return strings.HasPrefix(p.Number, "07") || strings.HasPrefix(p.Number, "447")
}
