package exchange

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/validate"
)

// SystemViewer is who the command line acts as: an admin who is no user (the audit trail
// records no actor, as for the system).
var SystemViewer = access.Viewer{UserID: -1, Role: access.Admin}

// ErrStale means the directory (or the file) is not what the dry run was made against: show
// the new dry run and ask again. Nothing was changed.
var ErrStale = errors.New("exchange: the directory changed since the dry run")

// ErrNotApplicable means the plan has problems, or nothing to change. Nothing was changed.
var ErrNotApplicable = errors.New("exchange: nothing to apply")

// Apply imports the file: it makes the plan again and, provided its fingerprint is the one the
// person saw (fingerprint; "" to skip the check, for the command line) and it has no problems,
// makes every change in one transaction through the directory's editing functions, each with
// its audit event. Each changed row must still have the version the plan was made against.
func Apply(ctx context.Context, db *pgxpool.Pool, dir *directory.Store, v access.Viewer, name string, data []byte, fingerprint string) (Plan, error) {
	if !v.IsAdmin() {
		return Plan{}, edit.ErrNotFound
	}
	p, err := Preview(ctx, db, dir, v, name, data)
	switch {
	case err != nil:
		return p, err
	case fingerprint != "" && fingerprint != p.Fingerprint:
		return p, ErrStale
	case !p.Applicable():
		return p, ErrNotApplicable
	}
	err = apply(ctx, db, dir, v, &p, true)
	if err == nil && len(p.Problems) > 0 {
		err = ErrNotApplicable // a check failed between the dry run and now; all rolled back
	}
	return p, err
}

var errDryRun = errors.New("exchange: dry run")

// apply makes the plan's changes in one transaction, committed when commit is set and rolled
// back otherwise (the dry run). Problems the directory's checks find are added to the plan; a
// commit stops at the first.
func apply(ctx context.Context, db *pgxpool.Pool, dir *directory.Store, v access.Viewer, p *Plan, commit bool) error {
	err := postgres.WithTx(ctx, db, func(tx pgx.Tx) error {
		store := dir.InTx(tx)
		d, err := Read(ctx, tx)
		if err != nil {
			return err
		}
		terms := termsByID(d.Terms)
		created := map[string]int64{} // organisation UUID -> new agency id
		var archive []*Agency         // archived last, after their contacts' changes
		for i := range p.Changes {
			c := &p.Changes[i]
			err := applyOne(ctx, tx, store, v, c, terms, created, &archive)
			var verrs validate.Errors
			switch {
			case err == nil:
				continue
			case errors.Is(err, edit.ErrConflict):
				return ErrStale
			case errors.As(err, &verrs):
				for _, fe := range verrs {
					p.Problems = append(p.Problems, Problem{Where: c.Where, Column: column(c.Entity, fe.Field), Message: fe.Message})
				}
			case errors.Is(err, directory.ErrArchived):
				p.Problems = append(p.Problems, Problem{Where: c.Where, Message: "This organisation is archived on the site: set its status to active to change it."})
			case errors.Is(err, edit.ErrNotFound):
				return ErrStale
			default:
				return err
			}
			if commit {
				return errDryRun // the plan has a problem: roll everything back
			}
		}
		for _, a := range archive {
			id, version, err := agencyVersion(ctx, tx, a.OrgID)
			if err != nil {
				return err
			}
			if _, err := store.ArchiveAgency(ctx, v, id, version); err != nil {
				return err
			}
		}
		if !commit || len(p.Problems) > 0 {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return nil
	}
	return err
}

// applyOne makes one change through the directory's editing functions.
func applyOne(ctx context.Context, tx pgx.Tx, store *directory.Store, v access.Viewer, c *Change, terms map[string]Term,
	created map[string]int64, archive *[]*Agency) error {
	a := c.agency
	switch {
	case c.Entity == "organisation" && c.Action == "add":
		in := directory.AdminAgencyInput{Name: a.Name, Kind: "other", Sector: "other", Visibility: a.Visibility, Open24h: a.Open24h,
			Languages: strings.Join(a.Languages, ", "), ReviewDue: yearAhead()}
		setAgencyInput(&in.AgencyInput, a, terms, nil)
		out, err := store.CreateAgency(ctx, v, in)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE agencies SET uuid = $2, service_uuid = $3 WHERE id = $1`, out.ID, a.OrgID, a.ServiceID); err != nil {
			return fmt.Errorf("exchange: ids of new agency: %w", err)
		}
		created[a.OrgID] = out.ID
		if a.Archived {
			*archive = append(*archive, a)
		}
		return nil

	case c.Entity == "organisation":
		cur := c.current
		before, err := store.AdminAgencyBySlug(ctx, v, cur.Slug)
		if err != nil {
			return err
		}
		version := cur.Version
		if cur.Archived && !a.Archived {
			out, err := store.RestoreAgency(ctx, v, before.ID, version)
			if err != nil {
				return err
			}
			before, version = out, out.Version
		}
		in := before.AdminAgencyInput
		in.Name, in.Visibility, in.Open24h, in.Languages = a.Name, a.Visibility, a.Open24h, strings.Join(a.Languages, ", ")
		if in.ReviewDue == "" {
			in.ReviewDue = yearAhead()
		}
		setAgencyInput(&in.AgencyInput, a, terms, &before.AgencyInput)
		if _, err := store.UpdateAgencyAdmin(ctx, v, before.ID, in, version); err != nil {
			return err
		}
		if a.Archived && !cur.Archived {
			*archive = append(*archive, a)
		}
		return nil

	case c.Action == "add":
		agencyID, ok := created[a.OrgID]
		if !ok && c.current != nil {
			agencyID = c.current.DBID
		}
		k := c.contact
		in := directory.AdminContactInput{ContactInput: directory.ContactInput{RoleTitle: k.RoleTitle, PersonName: k.PersonName,
			Phones: k.Phones, Email: k.Email, Kind: "general", Visibility: k.Visibility}, ReviewDue: yearAhead()}
		out, err := store.CreateContactAdmin(ctx, v, agencyID, in)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE contacts SET uuid = $2 WHERE id = $1`, out.ID, k.ID); err != nil {
			return fmt.Errorf("exchange: id of new contact: %w", err)
		}
		return nil

	default:
		k := c.contact
		before, err := store.AdminContact(ctx, v, c.current.DBID, c.was.DBID)
		if err != nil {
			return err
		}
		in := before.AdminContactInput
		in.RoleTitle, in.PersonName, in.Email, in.Visibility, in.Phones = k.RoleTitle, k.PersonName, k.Email, k.Visibility, k.Phones
		if in.ReviewDue == "" {
			in.ReviewDue = yearAhead()
		}
		if in.Main && len(in.Phones) == 0 {
			in.Main = false // the main number needs a number; the agency then has none marked main
		}
		_, err = store.UpdateContactAdmin(ctx, v, c.current.DBID, c.was.DBID, in, c.was.Version)
		return err
	}
}

// setAgencyInput copies the file's values into the form's; before (nil for a new agency)
// gives the links to retired terms, which stay.
func setAgencyInput(in *directory.AgencyInput, a *Agency, terms map[string]Term, before *directory.AgencyInput) {
	in.Summary, in.Description, in.Website, in.Email = a.Summary, a.Description, a.Website, a.Email
	in.OpeningHours, in.ReferralRoute, in.Eligibility = a.OpeningHours, a.ReferralRoute, a.Eligibility
	slugs := func(ids []string, kind string, had []string) []string {
		out := []string{}
		for _, id := range ids {
			out = append(out, terms[id].Slug)
		}
		for _, s := range had {
			for _, t := range terms {
				if t.Kind == kind && t.Slug == s && t.Retired && !slices.Contains(out, s) {
					out = append(out, s)
				}
			}
		}
		return out
	}
	var had directory.AgencyInput
	if before != nil {
		had = *before
	}
	in.Areas = slugs(a.Areas, "area", had.Areas)
	in.Categories = slugs(a.Categories, "category", had.Categories)
	in.Audiences = slugs(a.Audiences, "audience", had.Audiences)
}

func agencyVersion(ctx context.Context, tx pgx.Tx, org string) (int64, int, error) {
	var id int64
	var version int
	err := tx.QueryRow(ctx, `SELECT id, version FROM agencies WHERE uuid = $1`, org).Scan(&id, &version)
	if err != nil {
		return 0, 0, fmt.Errorf("exchange: agency to archive: %w", err)
	}
	return id, version, nil
}

// yearAhead is the review date of what an import adds: a year from today.
func yearAhead() string {
	return time.Now().In(london).AddDate(1, 0, 0).Format(time.DateOnly)
}

// column is the file's column for a form field the directory's checks name.
func column(entity, field string) string {
	if entity == "contact" {
		switch {
		case field == "role_title":
			return "title"
		case field == "person_name":
			return "name"
		case strings.HasPrefix(field, "phone"):
			return "phones"
		}
		return field
	}
	switch field {
	case "summary":
		return "description"
	case "website":
		return "website"
	case "opening_hours":
		return "schedules"
	case "referral_route":
		return "application_process"
	case "eligibility":
		return "eligibility_description"
	case "areas", "categories", "audiences":
		return "attributes"
	case "visibility":
		return "x_visibility"
	}
	return field
}
