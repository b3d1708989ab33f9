package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/phone"
	"dadirectory/internal/uktime"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// An RSL officer keeps their own organisation's entry here. The organisation is always the
// one on their account, never one named in the URL or the form; the directory store checks it
// again in its SQL, so a contact id of another organisation is simply not found.

// officer is who is editing and the organisation they keep. The route group lets only RSL
// officers through; the store's SQL is the rule that counts.
func officer(r *http.Request) (access.Viewer, int64) {
	u, _ := currentUser(r.Context())
	return u.Viewer(), u.AgencyID
}

func (s *Server) handleMyOrganisation(w http.ResponseWriter, r *http.Request) error {
	v, id := officer(r)
	a, err := s.directory.AgencyForEdit(r.Context(), v, id)
	if err != nil {
		return err
	}
	form := templates.AgencyForm{Values: a.AgencyInput, Version: a.Version, Original: edit.Original(a.AgencyInput)}
	return s.renderOrganisation(w, r, http.StatusOK, a, form, nil)
}

func (s *Server) handleMyOrganisationUpdate(w http.ResponseWriter, r *http.Request) error {
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	in := directory.AgencyInput{
		Summary: f.Get("summary"), Description: f.Get("description"), Website: f.Get("website"),
		Email: f.Get("email"), OpeningHours: f.Get("opening_hours"),
		ReferralRoute: f.Get("referral_route"), Eligibility: f.Get("eligibility"), Keywords: f.Get("keywords"),
		Areas: f["areas"], Categories: f["categories"], Audiences: f["audiences"],
	}
	v, id := officer(r)
	saved, err := s.directory.UpdateAgency(r.Context(), v, id, in, version)
	var invalid validate.Errors
	var conflict *edit.ConflictError[directory.AgencyEdit]
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/my/organisation", savedMessage("Your changes have been saved.", version, saved.Version))
	case errors.As(err, &invalid):
		a, err := s.directory.AgencyForEdit(r.Context(), v, id)
		if err != nil {
			return err
		}
		form := templates.AgencyForm{Values: in, Version: version, Original: f.Get("original"), Errors: templates.FieldErrors(invalid)}
		return s.renderOrganisation(w, r, http.StatusUnprocessableEntity, a, form, nil)
	case errors.As(err, &conflict):
		tax, err := s.directory.Taxonomy(r.Context())
		if err != nil {
			return err
		}
		now := conflict.Current
		merged, c := directory.AgencyForm(tax).Resolve(f.Get("original"), now.AgencyInput, in)
		form := templates.AgencyForm{Values: merged, Version: now.Version, Original: edit.Original(now.AgencyInput)}
		return s.renderOrganisation(w, r, http.StatusConflict, now, form, c)
	default:
		return err
	}
}

// handleMyOrganisationConfirm records that the details are still correct. It carries the
// version the officer read, so they never confirm details someone changed since.
func (s *Server) handleMyOrganisationConfirm(w http.ResponseWriter, r *http.Request) error {
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	v, id := officer(r)
	a, err := s.directory.ConfirmAgency(r.Context(), v, id, version)
	var conflict *edit.ConflictError[directory.AgencyEdit]
	switch {
	case err == nil:
		msg := "Thank you: the details are confirmed as correct."
		if a.ReviewDue != nil {
			msg += " The next review is due on " + uktime.Date(*a.ReviewDue) + "."
		}
		return s.redirectWithFlash(w, r, "/my/organisation", msg)
	case errors.As(err, &conflict):
		tax, err := s.directory.Taxonomy(r.Context())
		if err != nil {
			return err
		}
		// The officer typed nothing: the form shows what is saved now.
		now := conflict.Current
		c := directory.AgencyForm(tax).Recheck(r.PostForm.Get("original"), now.AgencyInput)
		form := templates.AgencyForm{Values: now.AgencyInput, Version: now.Version, Original: edit.Original(now.AgencyInput)}
		return s.renderOrganisation(w, r, http.StatusConflict, now, form, c)
	default:
		return err
	}
}

func (s *Server) renderOrganisation(w http.ResponseWriter, r *http.Request, status int, a directory.AgencyEdit,
	form templates.AgencyForm, conflict *edit.Conflict) error {
	tax, err := s.directory.Taxonomy(r.Context())
	if err != nil {
		return err
	}
	page := templates.MyOrganisationPage{Agency: a, Saved: edit.Original(a.AgencyInput), Taxonomy: tax, Form: form,
		Conflict: conflict}
	if status == http.StatusOK {
		page.Flash = s.popFlash(r)
	}
	return s.render(w, r, status, templates.MyOrganisation(s.base(r), page))
}

// The contacts of the officer's organisation.

func (s *Server) handleMyContactNew(w http.ResponseWriter, r *http.Request) error {
	v, agencyID := officer(r)
	a, err := s.directory.AgencyForEdit(r.Context(), v, agencyID)
	if err != nil {
		return err
	}
	form := templates.ContactForm{Values: directory.ContactInput{Kind: "general"}, Kinds: directory.ContactKindsFor(v, "")}
	return s.render(w, r, http.StatusOK, templates.MyContact(s.base(r), templates.ContactPage{AgencyName: a.Name, Form: form}))
}

func (s *Server) handleMyContactCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	in := readContactInput(r.PostForm)
	v, agencyID := officer(r)
	c, err := s.directory.CreateContact(r.Context(), v, agencyID, in)
	var invalid validate.Errors
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/my/organisation", "Contact added: "+c.RoleTitle+".")
	case errors.As(err, &invalid):
		a, err := s.directory.AgencyForEdit(r.Context(), v, agencyID)
		if err != nil {
			return err
		}
		form := templates.ContactForm{Values: in, Kinds: directory.ContactKindsFor(v, ""), Errors: templates.FieldErrors(invalid)}
		return s.render(w, r, http.StatusUnprocessableEntity, templates.MyContact(s.base(r), templates.ContactPage{AgencyName: a.Name, Form: form}))
	default:
		return err
	}
}

func (s *Server) handleMyContactEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, agencyID := officer(r)
	c, err := s.directory.ContactForEdit(r.Context(), v, agencyID, id)
	if err != nil {
		return err
	}
	return s.renderContact(w, r, http.StatusOK, c, contactFormValues(c.ContactInput), c.Version, nil, nil)
}

func (s *Server) handleMyContactUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	in := readContactInput(r.PostForm)
	v, agencyID := officer(r)
	c, err := s.directory.UpdateContact(r.Context(), v, agencyID, id, in, version)
	var invalid validate.Errors
	var conflict *edit.ConflictError[directory.ContactEdit]
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/my/organisation", "Contact saved: "+c.RoleTitle+".")
	case errors.As(err, &invalid):
		// The page needs the contact as saved (its kind decides the kinds on offer); the
		// form keeps what was typed and the version it was opened on.
		c, err := s.directory.ContactForEdit(r.Context(), v, agencyID, id)
		if err != nil {
			return err
		}
		return s.renderContact(w, r, http.StatusUnprocessableEntity, c, in, version, templates.FieldErrors(invalid), nil)
	case errors.As(err, &conflict):
		now := conflict.Current
		merged, c := directory.ContactForm().Resolve(r.PostForm.Get("original"), now.ContactInput, in)
		return s.renderContact(w, r, http.StatusConflict, now, merged, now.Version, nil, c)
	default:
		return err
	}
}

// renderContact draws the contact form for c (as saved) holding values at version. Original
// is always the saved contact: after a conflict, the next save is compared with it.
func (s *Server) renderContact(w http.ResponseWriter, r *http.Request, status int, c directory.ContactEdit,
	values directory.ContactInput, version int, errs []templates.FieldError, conflict *edit.Conflict) error {
	v, _ := officer(r)
	original := edit.Original(c.ContactInput)
	if status == http.StatusUnprocessableEntity {
		original = r.PostForm.Get("original") // still the values the form was opened on
	}
	form := templates.ContactForm{ID: c.ID, Values: values, Version: version, Original: original,
		Kinds: directory.ContactKindsFor(v, c.Kind), Errors: errs}
	return s.render(w, r, status, templates.MyContact(s.base(r), templates.ContactPage{AgencyName: c.AgencyName, Form: form, Conflict: conflict}))
}

// handleMyContactDeleteForm asks before removing a contact: the shared confirmation page,
// naming the contact as saved now.
func (s *Server) handleMyContactDeleteForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	v, agencyID := officer(r)
	c, err := s.directory.ContactForEdit(r.Context(), v, agencyID, id)
	if err != nil {
		return err
	}
	return s.confirmPage(w, r, http.StatusOK, myContactRemoveAsk(c, nil))
}

// myContactRemoveAsk is the page that asks before an officer removes contact c.
func myContactRemoveAsk(c directory.ContactEdit, conflict *edit.Conflict) templates.ConfirmPage {
	who := "Everyone, including the public"
	if c.StaffOnly() {
		who = "Signed-in staff only"
	}
	facts := append(contactFacts(c.AgencyName, c.ContactInput), templates.Fact{Label: "Who can see it now", Value: who})
	return templates.ConfirmPage{Title: "Remove " + c.RoleTitle + "?", Caption: c.AgencyName, Conflict: conflict, Facts: facts,
		Lead:   "This contact will no longer be shown anywhere in the directory, to the public or to staff.",
		More:   []string{"Nothing is deleted: the next page offers to undo this, and an administrator can bring it back later."},
		Action: "/my/organisation/contacts/" + strconv.FormatInt(c.ID, 10) + "/delete",
		Hidden: versionFields(c.Version, edit.Original(c.ContactInput)),
		Yes:    "Yes, remove this contact", NoURL: "/my/organisation", NoLabel: "No, keep it"}
}

// handleMyContactDelete removes (archives) a contact once the officer has confirmed it
// (confirm=1) on the page that asks; a post without it (the Remove button of older pages,
// ask=1) shows that page and changes nothing. The result offers to undo the removal.
func (s *Server) handleMyContactDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v, agencyID := officer(r)
	c, err := s.directory.ContactForEdit(ctx, v, agencyID, id)
	if err != nil {
		return err
	}
	if !confirmed(r) {
		return s.confirmPage(w, r, http.StatusOK, myContactRemoveAsk(c, nil))
	}
	err = s.directory.ArchiveContact(ctx, v, agencyID, id, version)
	var conflict *edit.ConflictError[directory.ContactEdit]
	switch {
	case err == nil:
		return s.redirectWithUndo(w, r, "/my/organisation", templates.Undo{
			Message: "Contact removed: " + c.RoleTitle + ". It is no longer shown anywhere in the directory.",
			Action:  "/my/organisation/contacts/" + strconv.FormatInt(id, 10) + "/restore",
			Fields:  versionFields(version+1, "")[:1], Label: "Undo: put " + c.RoleTitle + " back"})
	case errors.As(err, &conflict):
		now := conflict.Current
		return s.confirmPage(w, r, http.StatusConflict, myContactRemoveAsk(now,
			directory.ContactForm().Recheck(r.PostForm.Get("original"), now.ContactInput)))
	default:
		return err
	}
}

// handleMyContactRestore undoes the officer's own removal of a contact (the Undo button after
// it). A contact someone else archived, or one changed since, is not theirs to bring back: 404.
func (s *Server) handleMyContactRestore(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	v, agencyID := officer(r)
	c, err := s.directory.RestoreOwnContact(r.Context(), v, agencyID, id, version)
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/my/organisation", "Contact put back: "+c.RoleTitle+" is shown again.")
	case errors.As(err, new(*edit.ConflictError[directory.ContactEdit])):
		return s.redirectWithFlash(w, r, "/my/organisation",
			"The removed contact changed since, so it was not put back. Ask an administrator to restore it.")
	default:
		return err
	}
}

// maxPhoneRows bounds the phone rows read from a posted form, so a crafted post cannot make us
// loop over thousands; the stores refuse more numbers than their forms offer.
const maxPhoneRows = 20

// readPhones pairs the repeated phone_label and phone_number fields row by row. Rows beyond
// maxPhoneRows are dropped unread.
func readPhones(f url.Values) []directory.Phone {
	labels, numbers := f["phone_label"], f["phone_number"]
	phones := make([]directory.Phone, min(max(len(labels), len(numbers)), maxPhoneRows))
	for i := range phones {
		if i < len(labels) {
			phones[i].Label = labels[i]
		}
		if i < len(numbers) {
			phones[i].Number = numbers[i]
		}
	}
	return phones
}

// readContactInput reads the contact form.
func readContactInput(f url.Values) directory.ContactInput {
	return directory.ContactInput{
		RoleTitle: f.Get("role_title"), PersonName: f.Get("person_name"), Phones: readPhones(f), Email: f.Get("email"),
		Hours: f.Get("hours"), Notes: f.Get("notes"), Kind: f.Get("kind"), Visibility: f.Get("visibility"),
		Main: f.Get("main") == "1",
	}
}

// contactFormValues is a saved contact as its form shows it: numbers written the usual way.
func contactFormValues(in directory.ContactInput) directory.ContactInput {
	in.Phones = append([]directory.Phone(nil), in.Phones...)
	for i := range in.Phones {
		in.Phones[i].Number = phone.Display(in.Phones[i].Number)
	}
	return in
}
