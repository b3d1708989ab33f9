// Package templates holds the templ components that draw every page. Components only render:
// they receive everything they show and decide nothing about who may see it.
package templates

import (
	"slices"
	"strconv"
	"strings"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/site"
	"dadirectory/internal/training"
	"dadirectory/internal/validate"
)

// Base is what the layout of every page needs.
type Base struct {
	Site     site.Settings
	CSS      string // hashed URL of the stylesheet
	StaffCSS string // hashed URL of the staff pages' stylesheet, linked only for staff
	ExitJS   string // hashed URL of the quick-exit script
	ShareJS  string // hashed URL of the copy-link and print script (pages that share load it)
	SiteURL  string // BASE_URL without a trailing slash: the address people use, for links to share
	Icon     string // hashed URL of the site icon
	Viewer   access.Viewer
	UserName string
	Path     string // the request path, to mark the current navigation item
	// OpenReports is how many problem reports are open, for the admin navigation; set only
	// on admin pages.
	OpenReports int
	// Offers are training places on offer to the signed-in person; set on their home page.
	Offers []training.Offer
	// Undo, when set, says what a destructive action just did and offers to undo it (once).
	Undo *Undo
}

// withoutUndo is b for the outer layout of a page that shows the undo itself (after the
// admin navigation).
func (b Base) withoutUndo() Base {
	b.Undo = nil
	return b
}

// navItem is one entry of the main navigation.
type navItem struct{ Href, Label string }

func (b Base) nav() []navItem {
	items := []navItem{
		{"/", "Home"},
		{"/directory", "Find support"},
		{"/contacts", "Useful contacts"},
		{"/training", "Training"},
		{"/resources", "Resources"},
	}
	switch b.Viewer.Role {
	case access.RSLOfficer:
		items = append(items, navItem{"/my/organisation", "My organisation"})
	case access.Champion:
		items = append(items, navItem{"/my/champion", "My champion entry"})
	case access.Admin:
		items = append(items, navItem{"/admin", "Admin"})
	}
	if !b.Viewer.IsStaff() {
		items = append(items, navItem{"/safety", "Staying safe online"})
	}
	return items
}

func (b Base) current(href string) bool {
	if href == "/" {
		return b.Path == "/"
	}
	return b.Path == href || len(b.Path) > len(href) && b.Path[:len(href)+1] == href+"/"
}

func termNames(terms []directory.Term) string {
	names := make([]string, len(terms))
	for i, t := range terms {
		names[i] = t.Name
	}
	return strings.Join(names, ", ")
}

// describedBy lists the ids of a field's hint and error, for aria-describedby.
func describedBy(errs []FieldError, name, hint string) string {
	var ids []string
	if hint != "" {
		ids = append(ids, name+"-hint")
	}
	for _, e := range errs {
		if e.Field == name {
			ids = append(ids, name+"-error")
			break
		}
	}
	return strings.Join(ids, " ")
}

func optionInputID(name string, i int) string { return name + "-" + strconv.Itoa(i) }

// FieldErrors turns a feature's validation errors into the form's.
func FieldErrors(errs validate.Errors) []FieldError {
	out := make([]FieldError, len(errs))
	for i, e := range errs {
		out[i] = FieldError{Field: e.Field, Message: e.Message}
	}
	return out
}

// dateBox is one box of a date input.
type dateBox struct {
	Part, Label, Value string
	Bad                bool
}

// dateBoxes splits a date value into the boxes of its date input, marking those to fix.
func dateBoxes(errs []FieldError, name, value string, withTime bool) []dateBox {
	d, m, y, clock := validate.DateParts(value)
	boxes := []dateBox{{"day", "Day", d, false}, {"month", "Month", m, false}, {"year", "Year", y, false}}
	if withTime {
		boxes = append(boxes, dateBox{"time", "Time", clock, false})
	}
	if fieldError(errs, name) == "" {
		return boxes
	}
	missing := validate.DateMissing(value)
	if len(missing) == 3 || len(missing) == 0 {
		missing = []string{"day", "month", "year"}
		if withTime {
			missing = append(missing, "time")
		}
	}
	for i := range boxes {
		boxes[i].Bad = slices.Contains(missing, boxes[i].Part)
	}
	return boxes
}
