package exchange

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/phone"
)

// Plan is an import's dry run: what the file would add and change, how many of its rows are
// the same as the directory's, and every problem found. A plan with problems cannot be
// applied.
type Plan struct {
	File        string // the file's name, for messages
	SHA256      string // of the file's bytes
	Changes     []Change
	Unchanged   int // organisations and contacts in the file that are the same as the site's
	Problems    []Problem
	Ignored     []string // files in the zip that are not read (other HSDS objects)
	Fingerprint string   // names the file and the changes, with the versions they were made against
}

// Change is one row added or changed.
type Change struct {
	Action string // "add" or "change"
	Entity string // "organisation" or "contact"
	Name   string // the organisation's name, or the contact's role and organisation
	ID     string // the row's UUID
	Where  string // where the row is in the file
	Fields []FieldChange

	agency  *Agency // as in the file
	current *Agency // as in the database (nil when added)
	contact *Contact
	was     *Contact
}

// FieldChange is a field's value before and after, as people read them.
type FieldChange struct {
	Field, Before, After string
}

// Applicable reports whether the plan may be applied: no problems, something to do.
func (p Plan) Applicable() bool { return len(p.Problems) == 0 && len(p.Changes) > 0 }

// Preview reads an uploaded file (name is its name, for messages) and compares it with the
// directory in db. A file that cannot be read at all gives a *FileError. Every change is tried
// in a transaction that is rolled back, so the site's own checks are in the dry run too.
func Preview(ctx context.Context, db *pgxpool.Pool, dir *directory.Store, v access.Viewer, name string, data []byte) (Plan, error) {
	plan, err := plan(ctx, db, name, data)
	if err != nil || !plan.Applicable() {
		return plan, err
	}
	if err := apply(ctx, db, dir, v, &plan, false); err != nil {
		return plan, err
	}
	plan.Fingerprint = fingerprint(plan)
	return plan, nil
}

func plan(ctx context.Context, q *pgxpool.Pool, name string, data []byte) (Plan, error) {
	sum := sha256.Sum256(data)
	p := Plan{File: name, SHA256: hex.EncodeToString(sum[:])}
	parsed, err := parse(name, data)
	if err != nil {
		return p, err
	}
	d, err := Read(ctx, q)
	if err != nil {
		return p, err
	}
	agencies := build(parsed, d)
	p.Ignored = parsed.ignored
	diff(&p, parsed, d, agencies)
	p.Problems = parsed.problems
	p.Fingerprint = fingerprint(p)
	return p, nil
}

// diff compares the file's agencies with the directory's, adding changes to p and problems to
// parsed.
func diff(p *Plan, parsed *parsed, d Directory, agencies []Agency) {
	terms := termsByID(d.Terms)
	byOrg, byService := map[string]*Agency{}, map[string]*Agency{}
	type owned struct {
		agency  *Agency
		contact *Contact
	}
	contacts := map[string]owned{}
	for i := range d.Agencies {
		a := &d.Agencies[i]
		byOrg[a.OrgID], byService[a.ServiceID] = a, a
		for j := range a.Contacts {
			contacts[a.Contacts[j].ID] = owned{a, &a.Contacts[j]}
		}
	}
	for i := range agencies {
		a := &agencies[i]
		if a.ServiceID == "" {
			continue
		}
		cur := byOrg[a.OrgID]
		switch {
		case cur == nil && byService[a.ServiceID] != nil:
			parsed.problem(a.at, "id", "The service of this organization is another organisation's on the site ("+
				byService[a.ServiceID].Name+"): an import does not move services.")
			continue
		case cur != nil && cur.ServiceID != a.ServiceID:
			parsed.problem(a.at, "id", "On the site this organisation's service has another id ("+cur.ServiceID+
				"): an import does not replace services.")
			continue
		case cur == nil:
			if a.Visibility == "" {
				a.Visibility = "public"
			}
			p.Changes = append(p.Changes, Change{Action: "add", Entity: "organisation", Name: a.Name, ID: a.OrgID,
				Where: a.at.String(), Fields: agencyFields(&Agency{Visibility: "public", ReferralRoute: "both"}, a, terms, true), agency: a})
		default:
			if a.Visibility == "" {
				a.Visibility = cur.Visibility
			}
			fields := agencyFields(cur, a, terms, false)
			switch {
			case len(fields) == 0:
				p.Unchanged++
			case cur.Archived && a.Archived:
				parsed.problem(a.at, "status", "This organisation is archived on the site: set its status to active to change it.")
			default:
				p.Changes = append(p.Changes, Change{Action: "change", Entity: "organisation", Name: cur.Name, ID: a.OrgID,
					Where: a.at.String(), Fields: fields, agency: a, current: cur})
			}
		}
		for j := range a.Contacts {
			c := &a.Contacts[j]
			if owner, archived := d.archivedContacts[c.ID]; archived {
				if owner != a.OrgID {
					parsed.problem(c.at, "id", "This contact belongs to another organisation on the site: an import does not move contacts.")
				} else {
					parsed.problem(c.at, "id", "This contact was removed from the site (archived): restore it on the site first.")
				}
				continue
			}
			was, known := contacts[c.ID]
			name := c.RoleTitle + " (" + a.Name + ")"
			switch {
			case known && was.agency.OrgID != a.OrgID:
				parsed.problem(c.at, "service_id", "This contact belongs to another organisation on the site ("+
					was.agency.Name+"): an import does not move contacts.")
			case !known:
				if c.Visibility == "" {
					c.Visibility = "public"
				}
				p.Changes = append(p.Changes, Change{Action: "add", Entity: "contact", Name: name, ID: c.ID, Where: c.at.String(),
					Fields: contactFields(&Contact{Visibility: "public"}, c), agency: a, current: cur, contact: c})
			default:
				if c.Visibility == "" {
					c.Visibility = was.contact.Visibility
				}
				fields := contactFields(was.contact, c)
				switch {
				case len(fields) == 0:
					p.Unchanged++
				case cur != nil && cur.Archived && a.Archived:
					parsed.problem(c.at, "", "This contact's organisation is archived on the site: set its status to active to change the contact.")
				default:
					name = was.contact.RoleTitle + " (" + was.agency.Name + ")" // as the site knows it
					p.Changes = append(p.Changes, Change{Action: "change", Entity: "contact", Name: name, ID: c.ID,
						Where: c.at.String(), Fields: fields, agency: a, current: cur, contact: c, was: was.contact})
				}
			}
		}
	}
}

// agencyFields lists the fields of a that differ from cur, in words; added lists every field
// that has a value.
func agencyFields(cur, a *Agency, terms map[string]Term, added bool) []FieldChange {
	var out []FieldChange
	add := func(field, before, after string) {
		if before != after {
			out = append(out, FieldChange{field, before, after})
		}
	}
	add("Name", cur.Name, a.Name)
	add("Summary", cur.Summary, a.Summary)
	add("Description", cur.Description, a.Description)
	add("Website", cur.Website, a.Website)
	add("Email address", cur.Email, a.Email)
	add("Who can refer", referralLabel(cur.ReferralRoute), referralLabel(a.ReferralRoute))
	add("Eligibility", cur.Eligibility, a.Eligibility)
	add("Opening hours", cur.OpeningHours, a.OpeningHours)
	add("Open 24 hours", yesNo(cur.Open24h), yesNo(a.Open24h))
	add("Languages", strings.Join(cur.Languages, ", "), strings.Join(a.Languages, ", "))
	add("Who can see it", visibilityLabel(cur.Visibility), visibilityLabel(a.Visibility))
	add("Status", statusLabel(cur.Archived), statusLabel(a.Archived))
	add("Areas", termNames(cur.Areas, terms), termNames(a.Areas, terms))
	add("Types of support", termNames(cur.Categories, terms), termNames(a.Categories, terms))
	add("Who it is for", termNames(cur.Audiences, terms), termNames(a.Audiences, terms))
	if added {
		out = slices.DeleteFunc(out, func(f FieldChange) bool { return f.After == "" })
	}
	return out
}

func contactFields(cur, c *Contact) []FieldChange {
	var out []FieldChange
	add := func(field, before, after string) {
		if before != after {
			out = append(out, FieldChange{field, before, after})
		}
	}
	add("Role or title", cur.RoleTitle, c.RoleTitle)
	add("Name of the person", cur.PersonName, c.PersonName)
	add("Email address", cur.Email, c.Email)
	add("Phone numbers", phones(cur.Phones), phones(c.Phones))
	add("Who can see it", visibilityLabel(cur.Visibility), visibilityLabel(c.Visibility))
	return out
}

func phones(ps []directory.Phone) string {
	var out []string
	for _, p := range ps {
		s := phone.Display(p.Number)
		if p.Label != "" {
			s = p.Label + ": " + s
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}

func termNames(ids []string, terms map[string]Term) string {
	var out []string
	for _, id := range ids {
		out = append(out, terms[id].Name)
	}
	return strings.Join(out, ", ")
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

func statusLabel(archived bool) string {
	if archived {
		return "Archived (inactive)"
	}
	return "In the directory (active)"
}

func visibilityLabel(v string) string {
	switch v {
	case "public":
		return "Everyone, including the public"
	case "staff":
		return "Signed-in staff only"
	}
	return v
}

// fingerprint names the file and the changes it would make, each with the version of the row
// it would change: the same file against a directory that has not changed since has the same
// fingerprint.
func fingerprint(p Plan) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", p.SHA256)
	for _, c := range p.Changes {
		v := 0
		switch {
		case c.was != nil:
			v = c.was.Version
		case c.current != nil && c.Entity == "organisation":
			v = c.current.Version
		}
		fmt.Fprintf(h, "%s %s %s %d\n", c.Action, c.Entity, c.ID, v)
		for _, f := range c.Fields {
			fmt.Fprintf(h, "%q %q %q\n", f.Field, f.Before, f.After)
		}
	}
	fmt.Fprintf(h, "%d %d\n", p.Unchanged, len(p.Problems))
	return hex.EncodeToString(h.Sum(nil))
}
