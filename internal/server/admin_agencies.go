package server

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
	"dadirectory/internal/wording"
	"dadirectory/templates"
)

// Admins add, change, archive and restore any agency here. The agency is named by its slug
// in the URL; the store reads it for an admin only, archived or not.

func (s *Server) handleAdminAgencies(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	page := templates.AdminAgenciesPage{Form: templates.AdminAgenciesForm{Q: strings.ToValidUTF8(q.Get("q"), ""),
		Kind: q.Get("kind"), Status: q.Get("status"), Visibility: q.Get("visibility"), Overdue: q.Get("overdue")}}
	f, errs := directory.ParseAdminAgencyFilter(q)
	if len(errs) > 0 {
		page.Errors = templates.FieldErrors(errs)
		for i := range page.Errors {
			if page.Errors[i].Field == "page" {
				page.Errors[i].Target = "agency-filters"
			}
		}
		return s.render(w, r, http.StatusBadRequest, templates.AdminAgencies(s.base(r), page))
	}
	var err error
	if page.List, err = s.directory.AdminAgencies(ctx, viewer(ctx), f); err != nil {
		return err
	}
	if page.List.Total > 0 && f.Page > page.List.Pages {
		return edit.ErrNotFound
	}
	page.Flash = s.popFlash(r)
	return s.render(w, r, http.StatusOK, templates.AdminAgencies(s.base(r), page))
}

// adminAgency is the agency the URL names, archived or not.
func (s *Server) adminAgency(r *http.Request) (directory.AdminAgency, error) {
	ctx := r.Context()
	return s.directory.AdminAgencyBySlug(ctx, viewer(ctx), chi.URLParam(r, "slug"))
}

func (s *Server) handleAdminAgencyNew(w http.ResponseWriter, r *http.Request) error {
	form := templates.AdminAgencyForm{Values: directory.NewAgencyInput(time.Now())}
	return s.renderAdminAgency(w, r, http.StatusOK, templates.AdminAgencyPage{Form: form})
}

func (s *Server) handleAdminAgencyCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	in := readAdminAgencyInput(r.PostForm)
	a, err := s.directory.CreateAgency(ctx, viewer(ctx), in)
	var invalid validate.Errors
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/admin/agencies/"+a.Slug+"/edit", "Organisation added: "+a.Name+".")
	case errors.As(err, &invalid):
		form := templates.AdminAgencyForm{Values: in, Errors: templates.FieldErrors(invalid)}
		return s.renderAdminAgency(w, r, http.StatusUnprocessableEntity, templates.AdminAgencyPage{Form: form})
	default:
		return err
	}
}

func (s *Server) handleAdminAgencyEdit(w http.ResponseWriter, r *http.Request) error {
	a, err := s.adminAgency(r)
	if err != nil {
		return err
	}
	page := templates.AdminAgencyPage{Agency: &a, Form: adminAgencyForm(a), Flash: s.popFlash(r)}
	return s.renderAdminAgency(w, r, http.StatusOK, page)
}

func (s *Server) handleAdminAgencyUpdate(w http.ResponseWriter, r *http.Request) error {
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	a, err := s.adminAgency(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := r.PostForm
	in := readAdminAgencyInput(f)
	saved, err := s.directory.UpdateAgencyAdmin(ctx, viewer(ctx), a.ID, in, version)
	var invalid validate.Errors
	var conflict *edit.ConflictError[directory.AdminAgency]
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/admin/agencies/"+a.Slug+"/edit", savedMessage("Your changes have been saved.", version, saved.Version))
	case errors.As(err, &invalid):
		form := templates.AdminAgencyForm{Values: in, Version: version, Original: f.Get("original"), Errors: templates.FieldErrors(invalid)}
		return s.renderAdminAgency(w, r, http.StatusUnprocessableEntity, templates.AdminAgencyPage{Agency: &a, Form: form})
	case errors.As(err, &conflict):
		tax, err := s.directory.Taxonomy(ctx)
		if err != nil {
			return err
		}
		now := conflict.Current
		merged, c := directory.AdminAgencyForm(tax).Resolve(f.Get("original"), now.AdminAgencyInput, in)
		form := templates.AdminAgencyForm{Values: merged, Version: now.Version, Original: edit.Original(now.AdminAgencyInput)}
		return s.renderAdminAgency(w, r, http.StatusConflict, templates.AdminAgencyPage{Agency: &now, Form: form, Conflict: c})
	case errors.Is(err, directory.ErrArchived):
		return s.renderAdminAgencyArchived(w, r)
	default:
		return err
	}
}

// renderAdminAgencyArchived answers a change to an archived agency (or to a contact of one):
// 409, with the agency's page, which offers to restore it.
func (s *Server) renderAdminAgencyArchived(w http.ResponseWriter, r *http.Request) error {
	a, err := s.adminAgency(r)
	if err != nil {
		return err
	}
	return s.renderAdminAgency(w, r, http.StatusConflict, templates.AdminAgencyPage{Agency: &a, Form: adminAgencyForm(a), Archived: true})
}

func (s *Server) handleAdminAgencyArchiveForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.adminAgency(r)
	if err != nil {
		return err
	}
	if a.Archived() {
		http.Redirect(w, r, "/admin/agencies/"+a.Slug+"/edit", http.StatusSeeOther)
		return nil
	}
	return s.confirmPage(w, r, http.StatusOK, agencyArchiveAsk(a, nil))
}

// agencyArchiveAsk is the page that asks before archiving a, as saved now.
func agencyArchiveAsk(a directory.AdminAgency, c *edit.Conflict) templates.ConfirmPage {
	live := 0
	for _, c := range a.Contacts {
		if !c.Archived() {
			live++
		}
	}
	return templates.ConfirmPage{Admin: true, Title: "Archive " + a.Name + "?", Conflict: c,
		Facts: []templates.Fact{{Label: "Organisation", Value: a.Name}, {Label: "Contacts", Value: wording.Count(live, "contact", "contacts")}},
		Lead: "The organisation and its " + wording.Count(live, "contact", "contacts") + " will no longer be shown anywhere in the directory, " +
			"and its officers will no longer be able to change it.",
		More:   []string{"Nothing is deleted: the next page offers to undo this, and an administrator can restore it later from its page."},
		Action: "/admin/agencies/" + a.Slug + "/archive", Hidden: versionFields(a.Version, edit.Original(a.AdminAgencyInput)),
		Yes: "Yes, archive it", NoURL: "/admin/agencies/" + a.Slug + "/edit", NoLabel: "No, keep it"}
}

// handleAdminAgencyArchive archives once the admin has confirmed (confirm=1) on the page that
// asks; a post without it shows that page. The result offers to restore it at once.
func (s *Server) handleAdminAgencyArchive(w http.ResponseWriter, r *http.Request) error {
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	a, err := s.adminAgency(r)
	if err != nil {
		return err
	}
	if a.Archived() {
		return s.renderAdminAgencyArchived(w, r)
	}
	if !confirmed(r) {
		return s.askFirst(w, r, agencyArchiveAsk(a, nil))
	}
	ctx := r.Context()
	done, err := s.directory.ArchiveAgency(ctx, viewer(ctx), a.ID, version)
	var conflict *edit.ConflictError[directory.AdminAgency]
	switch {
	case err == nil:
		return s.redirectWithUndo(w, r, "/admin/agencies/"+a.Slug+"/edit", templates.Undo{
			Message: "Archived: " + a.Name + ". It is no longer shown anywhere in the directory.",
			Action:  "/admin/agencies/" + a.Slug + "/restore", Fields: versionFields(done.Version, "")[:1],
			Label: "Undo: restore " + a.Name})
	case errors.As(err, &conflict):
		now := conflict.Current
		if now.Archived() {
			return s.renderAdminAgencyArchived(w, r)
		}
		tax, err := s.directory.Taxonomy(ctx)
		if err != nil {
			return err
		}
		return s.confirmPage(w, r, http.StatusConflict, agencyArchiveAsk(now,
			directory.AdminAgencyForm(tax).Recheck(r.PostForm.Get("original"), now.AdminAgencyInput)))
	default:
		return err
	}
}

func (s *Server) handleAdminAgencyRestore(w http.ResponseWriter, r *http.Request) error {
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	a, err := s.adminAgency(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	_, err = s.directory.RestoreAgency(ctx, viewer(ctx), a.ID, version)
	var conflict *edit.ConflictError[directory.AdminAgency]
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/admin/agencies/"+a.Slug+"/edit", "Restored: "+a.Name+" is listed again.")
	case errors.As(err, &conflict):
		now := conflict.Current
		page := templates.AdminAgencyPage{Agency: &now, Form: adminAgencyForm(now), Conflict: &edit.Conflict{StartUnknown: true}}
		return s.renderAdminAgency(w, r, http.StatusConflict, page)
	default:
		return err
	}
}

func (s *Server) renderAdminAgency(w http.ResponseWriter, r *http.Request, status int, page templates.AdminAgencyPage) error {
	var err error
	if page.Taxonomy, err = s.directory.Taxonomy(r.Context()); err != nil {
		return err
	}
	return s.render(w, r, status, templates.AdminAgency(s.base(r), page))
}

// adminAgencyForm is the form for a as saved.
func adminAgencyForm(a directory.AdminAgency) templates.AdminAgencyForm {
	form := templates.AdminAgencyForm{Values: a.AdminAgencyInput, Version: a.Version, Original: edit.Original(a.AdminAgencyInput)}
	return form
}

func readAdminAgencyInput(f url.Values) directory.AdminAgencyInput {
	validate.JoinDate(f, "review_due")
	return directory.AdminAgencyInput{
		Name: f.Get("name"), Kind: f.Get("kind"), Sector: f.Get("sector"), Visibility: f.Get("visibility"), Open24h: f.Get("open_24h") == "1",
		Languages: f.Get("languages"), ReviewDue: f.Get("review_due"), Reviewed: f.Get("reviewed") == "1",
		AgencyInput: directory.AgencyInput{
			Summary: f.Get("summary"), Description: f.Get("description"), Website: f.Get("website"),
			Email: f.Get("email"), OpeningHours: f.Get("opening_hours"),
			ReferralRoute: f.Get("referral_route"), Eligibility: f.Get("eligibility"), Keywords: f.Get("keywords"),
			Areas: f["areas"], Categories: f["categories"], Audiences: f["audiences"],
		},
	}
}
