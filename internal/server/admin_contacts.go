package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// Admins add, change, archive and restore the contacts of any agency. The contact's id is
// read together with the agency of the URL in SQL: an id of another agency's contact is not
// found.

// adminContact is the agency and contact the URL names, archived or not.
func (s *Server) adminContact(r *http.Request) (directory.AdminAgency, directory.AdminContact, error) {
	id, err := pathID(r)
	if err != nil {
		return directory.AdminAgency{}, directory.AdminContact{}, err
	}
	a, err := s.adminAgency(r)
	if err != nil {
		return a, directory.AdminContact{}, err
	}
	ctx := r.Context()
	c, err := s.directory.AdminContact(ctx, viewer(ctx), a.ID, id)
	return a, c, err
}

// redirectArchived sends an admin who asked to change something archived to the agency's
// page, which says what is archived and offers to restore it.
func (s *Server) redirectArchived(w http.ResponseWriter, r *http.Request, slug, what string) error {
	return s.redirectWithFlash(w, r, "/admin/agencies/"+slug+"/edit", what+" is archived: restore it before changing it.")
}

func (s *Server) handleAdminContactNew(w http.ResponseWriter, r *http.Request) error {
	a, err := s.adminAgency(r)
	if err != nil {
		return err
	}
	if a.Archived() {
		return s.redirectArchived(w, r, a.Slug, a.Name)
	}
	form := templates.AdminContactForm{Values: directory.NewContactInput(time.Now())}
	return s.renderAdminContact(w, r, http.StatusOK, a, nil, form, nil)
}

func (s *Server) handleAdminContactCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	a, err := s.adminAgency(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	in := readAdminContactInput(r.PostForm)
	c, err := s.directory.CreateContactAdmin(ctx, viewer(ctx), a.ID, in)
	var invalid validate.Errors
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/admin/agencies/"+a.Slug+"/edit", "Contact added: "+c.RoleTitle+".")
	case errors.As(err, &invalid):
		form := templates.AdminContactForm{Values: in, Errors: templates.FieldErrors(invalid)}
		return s.renderAdminContact(w, r, http.StatusUnprocessableEntity, a, nil, form, nil)
	case errors.Is(err, directory.ErrArchived):
		return s.renderAdminAgencyArchived(w, r)
	default:
		return err
	}
}

func (s *Server) handleAdminContactEdit(w http.ResponseWriter, r *http.Request) error {
	a, c, err := s.adminContact(r)
	if err != nil {
		return err
	}
	if a.Archived() || c.Archived() {
		return s.redirectArchived(w, r, a.Slug, archivedName(a, c))
	}
	return s.renderAdminContact(w, r, http.StatusOK, a, &c, adminContactForm(c), nil)
}

func archivedName(a directory.AdminAgency, c directory.AdminContact) string {
	if a.Archived() {
		return a.Name
	}
	return "The contact " + c.RoleTitle
}

func (s *Server) handleAdminContactUpdate(w http.ResponseWriter, r *http.Request) error {
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	a, c, err := s.adminContact(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := r.PostForm
	in := readAdminContactInput(f)
	saved, err := s.directory.UpdateContactAdmin(ctx, viewer(ctx), a.ID, c.ID, in, version)
	var invalid validate.Errors
	var conflict *edit.ConflictError[directory.AdminContact]
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/admin/agencies/"+a.Slug+"/edit", savedMessage("Contact saved: "+saved.RoleTitle+".", version, saved.Version))
	case errors.As(err, &invalid):
		form := templates.AdminContactForm{ID: c.ID, Values: in, Version: version, Original: f.Get("original"),
			Errors: templates.FieldErrors(invalid)}
		return s.renderAdminContact(w, r, http.StatusUnprocessableEntity, a, &c, form, nil)
	case errors.As(err, &conflict):
		tax, err := s.directory.Taxonomy(ctx)
		if err != nil {
			return err
		}
		now := conflict.Current
		merged, c := directory.AdminContactForm(tax.Areas).Resolve(f.Get("original"), now.AdminContactInput, in)
		form := templates.AdminContactForm{ID: now.ID, Values: merged, Version: now.Version, Original: edit.Original(now.AdminContactInput)}
		return s.renderAdminContact(w, r, http.StatusConflict, a, &now, form, c)
	case errors.Is(err, directory.ErrArchived):
		return s.renderAdminAgencyArchived(w, r)
	default:
		return err
	}
}

func (s *Server) handleAdminContactArchiveForm(w http.ResponseWriter, r *http.Request) error {
	a, c, err := s.adminContact(r)
	if err != nil {
		return err
	}
	if a.Archived() || c.Archived() {
		return s.redirectArchived(w, r, a.Slug, archivedName(a, c))
	}
	return s.confirmPage(w, r, http.StatusOK, adminContactArchiveAsk(c, nil))
}

// adminContactArchiveAsk is the page that asks before archiving c, as saved now.
func adminContactArchiveAsk(c directory.AdminContact, conflict *edit.Conflict) templates.ConfirmPage {
	more := []string{"Nothing is deleted: the next page offers to undo this, and an administrator can restore it later from the organisation's page."}
	if c.IsKey {
		more = append([]string{"It is a key contact, so it will also leave the useful contacts page and the printed sheet."}, more...)
	}
	return templates.ConfirmPage{Admin: true, Title: "Archive " + c.RoleTitle + "?", Caption: c.AgencyName, Conflict: conflict,
		Facts: contactFacts(c.AgencyName, c.ContactInput), Lead: "This contact will no longer be shown anywhere in the directory.", More: more,
		Action: "/admin/agencies/" + c.AgencySlug + "/contacts/" + strconv.FormatInt(c.ID, 10) + "/archive",
		Hidden: versionFields(c.Version, edit.Original(c.ContactInput)),
		Yes:    "Yes, archive it", NoURL: "/admin/agencies/" + c.AgencySlug + "/edit", NoLabel: "No, keep it"}
}

// contactFacts names a contact on a confirmation page: its organisation, title, person and numbers.
func contactFacts(agency string, c directory.ContactInput) []templates.Fact {
	facts := []templates.Fact{{Label: "Organisation", Value: agency}, {Label: "Contact", Value: c.RoleTitle}}
	if c.PersonName != "" {
		facts = append(facts, templates.Fact{Label: "Name", Value: c.PersonName})
	}
	for _, ph := range c.Phones {
		label := ph.Label
		if label == "" {
			label = "Phone"
		}
		facts = append(facts, templates.Fact{Label: label, Value: ph.Display()})
	}
	if c.Email != "" {
		facts = append(facts, templates.Fact{Label: "Email", Value: c.Email})
	}
	return facts
}

// handleAdminContactArchive archives with the store's ArchiveContact, the one officers use,
// which lets an admin archive any contact of a live agency, once confirmed (confirm=1) on the
// page that asks. The result offers to restore it at once.
func (s *Server) handleAdminContactArchive(w http.ResponseWriter, r *http.Request) error {
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	a, c, err := s.adminContact(r)
	if err != nil {
		return err
	}
	if a.Archived() || c.Archived() {
		return s.redirectArchived(w, r, a.Slug, archivedName(a, c))
	}
	if !confirmed(r) {
		return s.askFirst(w, r, adminContactArchiveAsk(c, nil))
	}
	ctx := r.Context()
	err = s.directory.ArchiveContact(ctx, viewer(ctx), a.ID, c.ID, version)
	var conflict *edit.ConflictError[directory.ContactEdit]
	switch {
	case err == nil:
		return s.redirectWithUndo(w, r, "/admin/agencies/"+a.Slug+"/edit", templates.Undo{
			Message: "Contact archived: " + c.RoleTitle + " (" + a.Name + "). It is no longer shown anywhere in the directory.",
			Action:  "/admin/agencies/" + a.Slug + "/contacts/" + strconv.FormatInt(c.ID, 10) + "/restore",
			Fields:  versionFields(version+1, "")[:1], Label: "Undo: restore " + c.RoleTitle})
	case errors.As(err, &conflict):
		_, now, err := s.adminContact(r)
		if err != nil {
			return err
		}
		return s.confirmPage(w, r, http.StatusConflict, adminContactArchiveAsk(now,
			directory.ContactForm().Recheck(r.PostForm.Get("original"), now.ContactInput)))
	default:
		return err
	}
}

func (s *Server) handleAdminContactRestore(w http.ResponseWriter, r *http.Request) error {
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	a, c, err := s.adminContact(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	_, err = s.directory.RestoreContact(ctx, viewer(ctx), a.ID, c.ID, version)
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/admin/agencies/"+a.Slug+"/edit", "Contact restored: "+c.RoleTitle+".")
	case errors.As(err, new(*edit.ConflictError[directory.AdminContact])):
		return s.redirectWithFlash(w, r, "/admin/agencies/"+a.Slug+"/edit",
			"The contact "+c.RoleTitle+" changed while you had the page open, so it was not restored. Check it below and try again.")
	case errors.Is(err, directory.ErrArchived):
		return s.renderAdminAgencyArchived(w, r)
	default:
		return err
	}
}

func (s *Server) renderAdminContact(w http.ResponseWriter, r *http.Request, status int, a directory.AdminAgency,
	c *directory.AdminContact, form templates.AdminContactForm, conflict *edit.Conflict) error {
	tax, err := s.directory.Taxonomy(r.Context())
	if err != nil {
		return err
	}
	v := viewer(r.Context())
	current := ""
	if c != nil {
		current = c.Kind
	}
	form.Kinds = directory.ContactKindsFor(v, current)
	page := templates.AdminContactPage{AgencySlug: a.Slug, AgencyName: a.Name, Contact: c, Form: form, Areas: tax.Areas, Conflict: conflict}
	return s.render(w, r, status, templates.AdminContact(s.base(r), page))
}

// adminContactForm is the form for c as saved: numbers written the usual way.
func adminContactForm(c directory.AdminContact) templates.AdminContactForm {
	values := c.AdminContactInput
	values.ContactInput = contactFormValues(c.ContactInput)
	return templates.AdminContactForm{ID: c.ID, Values: values, Version: c.Version, Original: edit.Original(c.AdminContactInput)}
}

func readAdminContactInput(f url.Values) directory.AdminContactInput {
	validate.JoinDate(f, "review_due")
	return directory.AdminContactInput{
		ContactInput: readContactInput(f), IsKey: f.Get("is_key") == "1", KeyOrder: f.Get("key_order"),
		Areas: f["areas"], ReviewDue: f.Get("review_due"), Reviewed: f.Get("reviewed") == "1",
	}
}
