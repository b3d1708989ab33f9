package templates

import (
	"slices"
	"strings"
	"time"

	"dadirectory/internal/directory"
	"dadirectory/internal/training"
	"dadirectory/internal/uktime"
)

// HomeHelpline is one of the other helplines on the public home page: a key contact and what
// it is for, in plain words.
type HomeHelpline struct {
	directory.Contact
	Purpose string
}

// roleShown is the contact's role when it says more than the list and the organisation's
// name already do ("Non-emergency line", but not "Helpline (free, 24 hours)").
func (h HomeHelpline) roleShown() string {
	role := strings.ToLower(h.RoleTitle)
	if strings.HasPrefix(role, "helpline") || strings.Contains(strings.ToLower(h.AgencyName), role) {
		return ""
	}
	return h.RoleTitle
}

// HomeStaffPage is what a housing officer's home page shows.
type HomeStaffPage struct {
	Champions []directory.AreaChampions
	Recent    []directory.UpdatedContact
	Training  []training.Session // the next sessions this viewer may see
	Evaluate  []training.Prompt  // evaluations and follow-ups waiting for this person
}

// HomeChampionPage is what a champion's home page shows. Linked is false when the account has
// no champion entry; the page then says to ask an admin.
type HomeChampionPage struct {
	Linked bool
	Entry  directory.ChampionEntry
	RSLs   []directory.RSLCover
	// Evaluate is the evaluations and follow-ups waiting for this person.
	Evaluate []training.Prompt
}

// Overdue counts the RSLs whose review date has passed.
func (p HomeChampionPage) Overdue() int {
	n := 0
	for _, r := range p.RSLs {
		if r.Overdue {
			n++
		}
	}
	return n
}

// HomeRSLPage is what an RSL officer's home page shows. Org is nil when their organisation is
// no longer listed.
type HomeRSLPage struct {
	Org       *directory.OrgReview
	Champions []directory.AreaChampions
	Training  []training.Session // the next sessions this viewer may see
	Evaluate  []training.Prompt  // evaluations and follow-ups waiting for this person
}

// dashDate shows a date (a PostgreSQL date arrives as midnight UTC, so it is not moved).
func dashDate(t time.Time) string { return uktime.Date(t) }

// dashDateTime shows a moment in Europe/London.
func dashDateTime(t time.Time) string {
	return uktime.DateTime(t)
}

// dashAction turns an audit action into words.
func dashAction(action string) string {
	verbs := map[string]string{"create": "Added", "update": "Changed", "delete": "Removed", "archive": "Removed",
		"confirm": "Confirmed as correct", "review": "Confirmed as correct", "revert": "Reverted"}
	kind, verb, ok := strings.Cut(action, ".")
	if !ok || verb == "" {
		return action
	}
	word, known := verbs[verb]
	if !known {
		word = strings.ToUpper(verb[:1]) + strings.ReplaceAll(verb[1:], "_", " ")
	}
	switch kind {
	case "agency":
		return word + " organisation"
	case "contact":
		return word + " contact"
	}
	return word + " " + strings.ReplaceAll(kind, "_", " ")
}

func homeReviewStatusLabel(s directory.ReviewStatus) string {
	switch s {
	case directory.ReviewOverdue:
		return "Review overdue"
	case directory.ReviewDue:
		return "Review due"
	}
	return "Reviewed"
}

// championPhoneRows pads phones to at least n rows, so the form always offers empty ones to fill.
func championPhoneRows(phones []directory.Phone, n int) []directory.Phone {
	rows := slices.Clone(phones)
	for len(rows) < n {
		rows = append(rows, directory.Phone{})
	}
	return rows
}

// phoneExtraLabel is a phone's label when it says more than the column it sits in.
func phoneExtraLabel(label string) string {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "", "desk", "desk phone", "office", "mobile", "work mobile", "phone", "telephone":
		return ""
	}
	return label
}
