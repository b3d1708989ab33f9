package server

import (
	"errors"
	"net/http"
	"strconv"

	"dadirectory/internal/directory"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// A champion keeps their own champion entry at /my/champion. Which entry is theirs comes from
// their account (users.contact_id), read by the store in SQL, never from the request.

// maxPhoneRows bounds the rows read from a posted form, so a crafted post cannot make us loop
// over thousands; the store refuses more than directory.MaxChampionPhones numbers.
const maxPhoneRows = 20

// handleMyChampion shows the form with the entry as saved.
func (s *Server) handleMyChampion(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	entry, err := s.directory.OwnChampionEntry(ctx, viewer(ctx))
	if errors.Is(err, directory.ErrNoChampionEntry) {
		return s.render(w, r, http.StatusOK, templates.MyChampionUnlinked(s.base(r)))
	}
	if err != nil {
		return err
	}
	form := templates.ChampionForm{Entry: entry, Version: entry.Version, Hours: entry.Hours, Areas: entry.AreaSlugs(),
		Saved: r.URL.Query().Get("saved") == "1"}
	for _, p := range entry.Phones {
		// Shown as people write numbers; saving normalises them back to digits.
		form.Phones = append(form.Phones, directory.Phone{Label: p.Label, Number: p.Display()})
	}
	return s.renderChampionForm(w, r, http.StatusOK, form)
}

// handleMyChampionUpdate saves the form: 303 back to it when saved, 422 with the messages
// and every typed value on bad input, 409 with the conflict and the typed values kept when
// someone else saved first.
func (s *Server) handleMyChampionUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		return badForm(err)
	}
	in := directory.ChampionInput{Version: version, Hours: r.PostForm.Get("hours"), Areas: r.PostForm["areas"]}
	labels, numbers := r.PostForm["phone_label"], r.PostForm["phone_number"]
	for i := 0; i < max(len(labels), len(numbers)) && i < maxPhoneRows; i++ {
		var p directory.Phone
		if i < len(labels) {
			p.Label = labels[i]
		}
		if i < len(numbers) {
			p.Number = numbers[i]
		}
		in.Phones = append(in.Phones, p)
	}
	// What the person typed, to draw the form again on any refusal.
	form := templates.ChampionForm{Version: version, Phones: in.Phones, Hours: in.Hours, Areas: in.Areas}

	_, err = s.directory.UpdateOwnChampion(ctx, viewer(ctx), in)
	var invalid validate.Errors
	var conflict *directory.ChampionConflict
	switch {
	case err == nil:
		http.Redirect(w, r, "/my/champion?saved=1", http.StatusSeeOther)
		return nil
	case errors.Is(err, directory.ErrNoChampionEntry):
		return s.render(w, r, http.StatusConflict, templates.MyChampionUnlinked(s.base(r)))
	case errors.As(err, &conflict):
		// The form now starts from the saved version, so saving again is a deliberate choice
		// to replace the other person's values with these.
		form.Entry, form.Version, form.Conflict = conflict.Current, conflict.Current.Version, conflict
		return s.renderChampionForm(w, r, http.StatusConflict, form)
	case errors.As(err, &invalid):
		form.Entry, err = s.directory.OwnChampionEntry(ctx, viewer(ctx))
		if errors.Is(err, directory.ErrNoChampionEntry) {
			return s.render(w, r, http.StatusConflict, templates.MyChampionUnlinked(s.base(r)))
		}
		if err != nil {
			return err
		}
		form.Errors = templates.FieldErrors(invalid)
		return s.renderChampionForm(w, r, http.StatusUnprocessableEntity, form)
	default:
		return err
	}
}

func (s *Server) renderChampionForm(w http.ResponseWriter, r *http.Request, status int, form templates.ChampionForm) error {
	tax, err := s.directory.Taxonomy(r.Context())
	if err != nil {
		return err
	}
	form.AreaOptions = tax.Areas
	return s.render(w, r, status, templates.MyChampion(s.base(r), form))
}
