package server

import (
	"errors"
	"net/http"

	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// A champion keeps their own champion entry at /my/champion. Which entry is theirs comes from
// their account (users.contact_id), read by the store in SQL, never from the request.

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
	// Numbers are shown as people write them; saving normalises them back to digits.
	in := entry.Input()
	form := templates.ChampionForm{Entry: entry, Version: entry.Version, Phones: in.Phones, Hours: in.Hours, Email: in.Email, Areas: in.Areas,
		Original: edit.Original(in), Saved: r.URL.Query().Get("saved") == "1", Unchanged: r.URL.Query().Get("saved") == "same"}
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
	// Unlike the other forms, a version that is not a number is a form this site never sent.
	version := edit.ParseVersion(r.PostForm.Get("version"))
	if version == 0 {
		return badForm(errors.New("no version"))
	}
	in := directory.ChampionInput{Version: version, Hours: r.PostForm.Get("hours"), Email: r.PostForm.Get("email"), Areas: r.PostForm["areas"],
		Phones: readPhones(r.PostForm)}
	// What the person typed, to draw the form again on any refusal.
	original := r.PostForm.Get("original")
	form := templates.ChampionForm{Version: version, Phones: in.Phones, Hours: in.Hours, Email: in.Email, Areas: in.Areas, Original: original}

	after, err := s.directory.UpdateOwnChampion(ctx, viewer(ctx), in)
	var invalid validate.Errors
	var conflict *edit.ConflictError[directory.ChampionEntry]
	switch {
	case err == nil && after.Version == version:
		http.Redirect(w, r, "/my/champion?saved=same", http.StatusSeeOther)
		return nil
	case err == nil:
		http.Redirect(w, r, "/my/champion?saved=1", http.StatusSeeOther)
		return nil
	case errors.Is(err, directory.ErrNoChampionEntry):
		return s.render(w, r, http.StatusConflict, templates.MyChampionUnlinked(s.base(r)))
	case errors.As(err, &conflict):
		// The form now starts from the saved version, so saving again is a deliberate choice
		// to replace the other person's values with these.
		tax, err := s.directory.Taxonomy(ctx)
		if err != nil {
			return err
		}
		now := conflict.Current
		merged, c := directory.ChampionForm(tax.Areas).Resolve(original, now.Input(), in)
		c.SavedBy, c.SavedAt = conflict.SavedBy, conflict.SavedAt
		form = templates.ChampionForm{Entry: now, Version: now.Version, Phones: merged.Phones, Hours: merged.Hours,
			Email: merged.Email, Areas: merged.Areas, Original: edit.Original(now.Input()), Conflict: c}
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
