package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// Admins keep the areas, types of support and audiences here: add, rename, merge, retire and
// restore. The taxonomy is named in the URL ("areas"); anything else is a page not found.

func termKind(r *http.Request) (directory.TermKind, error) {
	k, ok := directory.TermKindOf(chi.URLParam(r, "kind"))
	if !ok {
		return k, edit.ErrNotFound
	}
	return k, nil
}

func (s *Server) handleAdminTaxonomy(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	tax, err := s.directory.AdminTaxonomies(ctx, viewer(ctx))
	if err != nil {
		return err
	}
	page := templates.AdminTaxonomyPage{Taxonomies: tax, Flash: s.popFlash(r)}
	return s.render(w, r, http.StatusOK, templates.AdminTaxonomy(s.base(r), page))
}

func (s *Server) handleAdminTermNew(w http.ResponseWriter, r *http.Request) error {
	k, err := termKind(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.AdminTermNew(s.base(r), templates.AdminTermNewPage{Kind: k}))
}

func (s *Server) handleAdminTermCreate(w http.ResponseWriter, r *http.Request) error {
	k, err := termKind(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	name := r.PostForm.Get("name")
	t, err := s.directory.AddTerm(ctx, viewer(ctx), k, name)
	var invalid validate.Errors
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, "/admin/taxonomy", "Added: "+t.Name+".")
	case errors.As(err, &invalid):
		page := templates.AdminTermNewPage{Kind: k, Name: name, Errors: templates.FieldErrors(invalid)}
		return s.render(w, r, http.StatusUnprocessableEntity, templates.AdminTermNew(s.base(r), page))
	default:
		return err
	}
}

// adminTerm is the term the URL names, retired or not.
func (s *Server) adminTerm(r *http.Request) (directory.AdminTerm, error) {
	k, err := termKind(r)
	if err != nil {
		return directory.AdminTerm{}, err
	}
	ctx := r.Context()
	return s.directory.AdminTerm(ctx, viewer(ctx), k, chi.URLParam(r, "slug"))
}

func (s *Server) handleAdminTerm(w http.ResponseWriter, r *http.Request) error {
	t, err := s.adminTerm(r)
	if err != nil {
		return err
	}
	page := templates.AdminTermPage{Term: t, Name: t.Name, Version: t.Version, Flash: s.popFlash(r)}
	return s.renderAdminTerm(w, r, http.StatusOK, page)
}

// renderAdminTerm draws a term's page, listing the terms it could be merged into.
func (s *Server) renderAdminTerm(w http.ResponseWriter, r *http.Request, status int, page templates.AdminTermPage) error {
	ctx := r.Context()
	all, err := s.directory.AdminTaxonomies(ctx, viewer(ctx))
	if err != nil {
		return err
	}
	for _, tax := range all {
		if tax.Kind != page.Term.Kind {
			continue
		}
		for _, t := range tax.Terms {
			if !t.Retired() && t.ID != page.Term.ID {
				page.Others = append(page.Others, t)
			}
		}
	}
	return s.render(w, r, status, templates.AdminTerm(s.base(r), page))
}

// termConflict is the answer to a stale form on a term's page: what is saved now, and what
// changed since the page was drawn. typed is the name the rename form sent ("" from the
// forms that only act: merge, retire, restore).
func (s *Server) termConflict(w http.ResponseWriter, r *http.Request, now directory.AdminTerm, typed string) error {
	page := templates.AdminTermPage{Term: now, Name: now.Name, Version: now.Version}
	original := r.PostForm.Get("original")
	if typed != "" {
		var merged directory.TermInput
		merged, page.Conflict = directory.TermForm().Resolve(original, now.Input(), directory.TermInput{Name: typed})
		page.Name = merged.Name
	} else {
		page.Conflict = directory.TermForm().Recheck(original, now.Input())
	}
	return s.renderAdminTerm(w, r, http.StatusConflict, page)
}

func (s *Server) handleAdminTermRename(w http.ResponseWriter, r *http.Request) error {
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	t, err := s.adminTerm(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	name := r.PostForm.Get("name")
	saved, err := s.directory.RenameTerm(ctx, viewer(ctx), t.Kind, t.Slug, name, version)
	var invalid validate.Errors
	var conflict *edit.ConflictError[directory.AdminTerm]
	switch {
	case err == nil:
		msg := "Renamed: it is now called " + saved.Name + "."
		if saved.Version == version {
			msg = "The name had not changed, so nothing was saved."
		}
		return s.redirectWithFlash(w, r, termURL(saved), msg)
	case errors.As(err, &invalid):
		page := templates.AdminTermPage{Term: t, Name: name, Version: version, Errors: templates.FieldErrors(invalid)}
		return s.renderAdminTerm(w, r, http.StatusUnprocessableEntity, page)
	case errors.As(err, &conflict):
		return s.termConflict(w, r, conflict.Current, name)
	default:
		return err
	}
}

// handleAdminTermMerge merges in two steps without JavaScript: the term's page posts the
// chosen term, and this asks to confirm, saying what will move; the answer posts confirm=1.
func (s *Server) handleAdminTermMerge(w http.ResponseWriter, r *http.Request) error {
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	t, err := s.adminTerm(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	into := r.PostForm.Get("into")
	var res directory.MergeResult
	if r.PostForm.Get("confirm") == "1" {
		res, err = s.directory.MergeTerm(ctx, viewer(ctx), t.Kind, t.Slug, into, version)
	} else {
		res, err = s.directory.MergePreview(ctx, viewer(ctx), t.Kind, t.Slug, into)
		if err == nil && res.From.Version != version {
			err = &edit.ConflictError[directory.AdminTerm]{Current: res.From}
		}
	}
	var invalid validate.Errors
	var conflict *edit.ConflictError[directory.AdminTerm]
	switch {
	case err == nil && r.PostForm.Get("confirm") != "1":
		return s.render(w, r, http.StatusOK, templates.AdminTermMerge(s.base(r), templates.AdminTermMergePage{From: res.From, Into: res.Into}))
	case err == nil:
		msg := "Merged " + res.From.Name + " into " + res.Into.Name + ": " + strconv.Itoa(res.Moved) + " moved"
		if res.Duplicates > 0 {
			msg += ", " + strconv.Itoa(res.Duplicates) + " already had both"
		}
		return s.redirectWithFlash(w, r, termURL(res.Into), msg+". "+res.From.Name+" is retired.")
	case errors.As(err, &invalid):
		page := templates.AdminTermPage{Term: t, Name: t.Name, Version: version, Into: into, Errors: templates.FieldErrors(invalid)}
		return s.renderAdminTerm(w, r, http.StatusUnprocessableEntity, page)
	case errors.As(err, &conflict):
		return s.termConflict(w, r, conflict.Current, "")
	default:
		return err
	}
}

func (s *Server) handleAdminTermRetire(w http.ResponseWriter, r *http.Request) error {
	return s.setTermRetired(w, r, true)
}

func (s *Server) handleAdminTermRestore(w http.ResponseWriter, r *http.Request) error {
	return s.setTermRetired(w, r, false)
}

func (s *Server) setTermRetired(w http.ResponseWriter, r *http.Request, retire bool) error {
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	t, err := s.adminTerm(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if retire && !confirmed(r) {
		return s.askFirst(w, r, templates.ConfirmPage{Admin: true, Title: "Retire " + t.Name + "?",
			Facts: []templates.Fact{{Label: "Term", Value: t.Name}, {Label: "List", Value: t.Kind.Label}},
			Lead:  t.Name + " will no longer be offered in the directory's filters or in forms. Organisations and contacts that use it keep it.",
			More:  []string{"You can restore it from its page at any time."},
			Yes:   "Yes, retire " + t.Name, NoURL: termURL(t), NoLabel: "No, keep offering it"})
	}
	var saved directory.AdminTerm
	msg := "Retired: " + t.Name + " is no longer offered in filters and forms. To undo this, restore it below."
	if retire {
		saved, err = s.directory.RetireTerm(ctx, viewer(ctx), t.Kind, t.Slug, version)
	} else {
		saved, err = s.directory.RestoreTerm(ctx, viewer(ctx), t.Kind, t.Slug, version)
		msg = "Restored: " + t.Name + " is offered again."
	}
	var conflict *edit.ConflictError[directory.AdminTerm]
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, termURL(saved), msg)
	case errors.As(err, &conflict):
		return s.termConflict(w, r, conflict.Current, "")
	default:
		return err
	}
}

func termURL(t directory.AdminTerm) string {
	return "/admin/taxonomy/" + t.Kind.Slug + "/" + t.Slug + "/edit"
}
