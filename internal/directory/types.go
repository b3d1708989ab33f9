// Package directory is the heart of the product: agencies, their contacts, the taxonomy that
// files them (areas, categories, audiences) and the search over them. Every query takes an
// access.Viewer and filters visibility in its SQL, so a staff-only row never leaves the
// database for a viewer who may not see it.
package directory

import (
	"time"

	"dadirectory/internal/phone"
)

// Kind is the sort of organisation an agency is.
type Kind string

// Kinds in the order the filter offers them, with the words people read.
var Kinds = []struct {
	Value Kind
	Label string
}{
	{"da_agency", "Domestic abuse service"},
	{"helpline", "Helpline"},
	{"rsl", "Housing association (RSL)"},
	{"council", "Council service"},
	{"police", "Police"},
	{"health", "Health service"},
	{"legal", "Legal help"},
	{"other", "Other support"},
}

// Label is how a kind reads on a page.
func (k Kind) Label() string {
	for _, x := range Kinds {
		if x.Value == k {
			return x.Label
		}
	}
	return string(k)
}

// Term is one area, category or audience.
type Term struct {
	Slug string
	Name string
}

// Taxonomy is everything the directory filters by.
type Taxonomy struct {
	Areas, Categories, Audiences []Term
	// Languages are the languages public entries say they work in; the slug is the folded
	// name ("british-sign-language").
	Languages []Term
}

// Phone is one labelled number of a contact, stored as digits.
type Phone struct {
	Label  string `json:"label"`
	Number string `json:"number"`
}

// Display is the number as people write it.
func (p Phone) Display() string { return phone.Display(p.Number) }

// Tel is the click-to-call link.
func (p Phone) Tel() string { return phone.TelURI(p.Number) }

// AgencySummary is what a search result shows.
type AgencySummary struct {
	Slug      string
	Name      string
	Kind      Kind
	Summary   string
	Phone     string
	Open24h   bool
	StaffOnly bool
	Areas     []string
	// CoversAll: the agency covers every area of the council (Areas is then left empty).
	CoversAll bool
	// Reach says, when the search named a place, whether the agency is local to it or serves
	// the whole council area or the nation (and so shows after the local ones).
	Reach Reach
	// Contact is, for staff searching by a person, role or number, the contact that matched.
	Contact *ContactMatch
}

// Reach is how a search result covers the place the search named.
type Reach int

const (
	ReachLocal    Reach = iota // covers the place (or no place was named)
	ReachCouncil               // covers every area of the council
	ReachNational              // a national service
)

// ContactMatch is the contact of a result that a staff search matched.
type ContactMatch struct {
	RoleTitle  string
	PersonName string
	Phone      Phone // the matching number, or the contact's first
	StaffOnly  bool
}

// Agency is one organisation with everything this viewer may see of it.
type Agency struct {
	AgencySummary
	Description   string
	Website       string
	Email         string
	ReferralRoute string
	Eligibility   string
	OpeningHours  string
	Languages     []string
	// CheckedOn is when the owner or an admin last confirmed the entry is correct (nil if
	// never), which is not when it last changed.
	CheckedOn  *time.Time
	Areas      []Term
	Categories []Term
	Audiences  []Term
	Contacts   []Contact
}

// ReferralLabel says who can refer.
func (a Agency) ReferralLabel() string {
	switch a.ReferralRoute {
	case "self":
		return "You can contact them yourself"
	case "professional":
		return "Referral by a professional"
	default:
		return "Contact them yourself or ask a professional to refer you"
	}
}

// Contact is a way to reach an agency.
type Contact struct {
	ID         int64
	AgencySlug string
	AgencyName string
	RoleTitle  string
	PersonName string
	Phones     []Phone
	Email      string
	Hours      string
	Notes      string
	Kind       string
	StaffOnly  bool
	Website    string // the organisation's website, where the key contacts pages read it
}
