package server

import (
	"errors"
	"net/http"
	"strconv"

	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
	"dadirectory/internal/vocab"
	"dadirectory/templates"
)

// Admins keep the synonym sets of search here: list, add, edit, and remove after a page that
// says what removing does.

func (s *Server) handleAdminSynonyms(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sets, err := s.vocab.SynonymSets(ctx, viewer(ctx))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.AdminSynonyms(s.base(r), templates.AdminSynonymsPage{Sets: sets, Flash: s.popFlash(r)}))
}

func (s *Server) handleAdminSynonymNew(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if _, err := s.vocab.SynonymSets(ctx, viewer(ctx)); err != nil { // the store's own check of the viewer
		return err
	}
	return s.render(w, r, http.StatusOK, templates.AdminSynonymForm(s.base(r), templates.AdminSynonymFormPage{}))
}

func (s *Server) handleAdminSynonymCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	in := vocab.SetInput{Phrases: r.PostForm.Get("phrases")}
	set, err := s.vocab.AddSynonymSet(ctx, viewer(ctx), in)
	var invalid validate.Errors
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/admin/synonyms", "Added the synonym set: "+set.Readable()+".")
	case errors.As(err, &invalid):
		page := templates.AdminSynonymFormPage{Phrases: in.Phrases, Errors: templates.FieldErrors(invalid)}
		return s.render(w, r, http.StatusUnprocessableEntity, templates.AdminSynonymForm(s.base(r), page))
	default:
		return err
	}
}

// adminSynonymSet is the set the URL names.
func (s *Server) adminSynonymSet(r *http.Request) (vocab.SynonymSet, error) {
	id, err := pathID(r)
	if err != nil {
		return vocab.SynonymSet{}, err
	}
	ctx := r.Context()
	return s.vocab.SynonymSet(ctx, viewer(ctx), id)
}

func (s *Server) handleAdminSynonymEdit(w http.ResponseWriter, r *http.Request) error {
	set, err := s.adminSynonymSet(r)
	if err != nil {
		return err
	}
	page := templates.AdminSynonymFormPage{Set: set, Phrases: set.Input().Phrases, Version: set.Version, Original: edit.Original(set.Input())}
	return s.render(w, r, http.StatusOK, templates.AdminSynonymForm(s.base(r), page))
}

func (s *Server) handleAdminSynonymUpdate(w http.ResponseWriter, r *http.Request) error {
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := r.PostForm
	in := vocab.SetInput{Phrases: f.Get("phrases")}
	saved, err := s.vocab.UpdateSynonymSet(ctx, viewer(ctx), id, in, version)
	var invalid validate.Errors
	var conflict *edit.ConflictError[vocab.SynonymSet]
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/admin/synonyms", savedMessage("Saved the synonym set: "+saved.Readable()+".", version, saved.Version))
	case errors.As(err, &invalid):
		set, err := s.vocab.SynonymSet(ctx, viewer(ctx), id)
		if err != nil {
			return err
		}
		page := templates.AdminSynonymFormPage{Set: set, Phrases: in.Phrases, Version: version, Original: f.Get("original"),
			Errors: templates.FieldErrors(invalid)}
		return s.render(w, r, http.StatusUnprocessableEntity, templates.AdminSynonymForm(s.base(r), page))
	case errors.As(err, &conflict):
		now := conflict.Current
		merged, c := vocab.SetForm().Resolve(f.Get("original"), now.Input(), in)
		c.SavedBy, c.SavedAt = conflict.SavedBy, conflict.SavedAt
		page := templates.AdminSynonymFormPage{Set: now, Phrases: merged.Phrases, Version: now.Version, Original: edit.Original(now.Input()),
			Conflict: c}
		return s.render(w, r, http.StatusConflict, templates.AdminSynonymForm(s.base(r), page))
	default:
		return err
	}
}

func (s *Server) handleAdminSynonymRemoveForm(w http.ResponseWriter, r *http.Request) error {
	set, err := s.adminSynonymSet(r)
	if err != nil {
		return err
	}
	return s.confirmPage(w, r, http.StatusOK, synonymRemoveAsk(set, nil))
}

// synonymRemoveAsk is the page that asks before removing set, as saved now.
func synonymRemoveAsk(set vocab.SynonymSet, c *edit.Conflict) templates.ConfirmPage {
	return templates.ConfirmPage{Admin: true, Title: "Remove this synonym set?", Conflict: c,
		Facts: []templates.Fact{{Label: "Synonym set", Value: set.Readable()}},
		Lead:  templates.SynonymRemoveConsequence(set),
		More: []string{"Each phrase still finds organisations that use it. The next page offers to add the set again, " +
			"and the audit trail keeps a record of it."},
		Action: "/admin/synonyms/" + strconv.FormatInt(set.ID, 10) + "/remove",
		Hidden: versionFields(set.Version, edit.Original(set.Input())),
		Yes:    "Yes, remove this set", NoURL: "/admin/synonyms", NoLabel: "No, keep it"}
}

// handleAdminSynonymRemove removes a set once the admin has confirmed (confirm=1) on the page
// that asks; a post without it shows that page. The result offers to add the set again.
func (s *Server) handleAdminSynonymRemove(w http.ResponseWriter, r *http.Request) error {
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	set, err := s.adminSynonymSet(r)
	if err != nil {
		return err
	}
	if !confirmed(r) {
		return s.askFirst(w, r, synonymRemoveAsk(set, nil))
	}
	ctx := r.Context()
	removed, err := s.vocab.RemoveSynonymSet(ctx, viewer(ctx), set.ID, version)
	var conflict *edit.ConflictError[vocab.SynonymSet]
	switch {
	case err == nil:
		return s.redirectWithUndo(w, r, "/admin/synonyms", templates.Undo{
			Message: "Removed the synonym set: " + removed.Readable() + ".",
			Action:  "/admin/synonyms/new", Fields: []templates.Fact{{Label: "phrases", Value: removed.Input().Phrases}},
			Label: "Undo: add the set again"})
	case errors.As(err, &conflict):
		c := vocab.SetForm().Recheck(r.PostForm.Get("original"), conflict.Current.Input())
		c.SavedBy, c.SavedAt = conflict.SavedBy, conflict.SavedAt
		return s.confirmPage(w, r, http.StatusConflict, synonymRemoveAsk(conflict.Current, c))
	default:
		return err
	}
}
