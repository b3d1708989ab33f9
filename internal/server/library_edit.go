package server

import (
	"errors"
	"io"
	"net/http"

	"github.com/go-chi/chi/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/library"
	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// Admins curate every resource under /admin/resources; an RSL officer keeps their own
// organisation's under /my/resources. The handlers are the same: the library's SQL is what
// keeps an officer to their own organisation, so another organisation's resource is a 404.

// maxFormMemory is how much of a multipart form is held in memory; a larger file goes to a
// temporary file (removed when the request ends) and is streamed from there into PostgreSQL.
const maxFormMemory = 2 << 20

func (s *Server) handleManageResources(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewer(ctx)
	list, err := s.library.Managed(ctx, v)
	if err != nil {
		return err
	}
	page := templates.ResourceManagePage{Resources: list, BaseURL: manageBase(v), Admin: v.IsAdmin(),
		Flash: s.popFlash(r)}
	if !v.IsAdmin() {
		if page.OrgName, err = s.orgName(r, v); err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, templates.ResourceManage(s.base(r), page))
}

func (s *Server) handleResourceNew(w http.ResponseWriter, r *http.Request) error {
	v := viewer(r.Context())
	form := templates.ResourceForm{Action: manageBase(v) + "/new", Values: library.Input{Visibility: library.Public}}
	return s.renderResourceForm(w, r, http.StatusOK, nil, form, nil)
}

func (s *Server) handleResourceCreate(w http.ResponseWriter, r *http.Request) error {
	in, up, err := readResourceForm(r)
	if err != nil {
		return err
	}
	defer closeUpload(up)
	ctx := r.Context()
	v := viewer(ctx)
	res, err := s.library.Create(ctx, v, in, up)
	var invalid validate.Errors
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, manageBase(v), "Resource added: "+res.Title+".")
	case errors.As(err, &invalid):
		form := templates.ResourceForm{Action: manageBase(v) + "/new", Values: in, Errors: templates.FieldErrors(invalid), FileSent: up != nil}
		return s.renderResourceForm(w, r, http.StatusUnprocessableEntity, nil, form, nil)
	default:
		return err
	}
}

func (s *Server) handleResourceEdit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewer(ctx)
	res, err := s.library.ForEdit(ctx, v, chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	in := library.InputOf(res)
	form := templates.ResourceForm{Action: r.URL.Path, Values: in, Version: res.Version, Original: edit.Original(in)}
	return s.renderResourceForm(w, r, http.StatusOK, &res, form, nil)
}

func (s *Server) handleResourceUpdate(w http.ResponseWriter, r *http.Request) error {
	in, up, err := readResourceForm(r)
	if err != nil {
		return err
	}
	defer closeUpload(up)
	version := edit.ParseVersion(r.PostForm.Get("version"))
	ctx := r.Context()
	v := viewer(ctx)
	slug := chi.URLParam(r, "slug")
	res, err := s.library.Update(ctx, v, slug, in, up, version)
	var invalid validate.Errors
	var conflict *edit.ConflictError[library.Resource]
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, manageBase(v), savedMessage("Resource saved: "+res.Title+".", version, res.Version))
	case errors.As(err, &invalid):
		saved, err := s.library.ForEdit(ctx, v, slug)
		if err != nil {
			return err
		}
		form := templates.ResourceForm{Action: r.URL.Path, Values: in, Version: version, Original: r.PostForm.Get("original"),
			Errors: templates.FieldErrors(invalid), FileSent: up != nil}
		return s.renderResourceForm(w, r, http.StatusUnprocessableEntity, &saved, form, nil)
	case errors.As(err, &conflict):
		now := conflict.Current
		names, err := s.resourceNames(r, v, now)
		if err != nil {
			return err
		}
		merged, c := library.ResourceForm(names).Resolve(r.PostForm.Get("original"), library.InputOf(now), in)
		form := templates.ResourceForm{Action: r.URL.Path, Values: merged, Version: now.Version,
			Original: edit.Original(library.InputOf(now)), FileSent: up != nil}
		return s.renderResourceForm(w, r, http.StatusConflict, &now, form, c)
	default:
		return err
	}
}

// handleResourceArchiveForm asks before taking a resource out of the library: the shared
// confirmation page, naming it and saying who stops seeing it and who can bring it back.
func (s *Server) handleResourceArchiveForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewer(ctx)
	res, err := s.library.ForEdit(ctx, v, chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	if res.Archived {
		http.Redirect(w, r, manageBase(v)+"/"+res.Slug+"/edit", http.StatusSeeOther)
		return nil
	}
	return s.confirmPage(w, r, http.StatusOK, resourceArchiveAsk(v, res, nil))
}

// resourceArchiveAsk is the page that asks before archiving res, as saved now.
func resourceArchiveAsk(v access.Viewer, res library.Resource, c *edit.Conflict) templates.ConfirmPage {
	who := "Everyone, including the public"
	if res.StaffOnly {
		who = "Signed-in staff only"
	}
	facts := []templates.Fact{{Label: "Resource", Value: res.Title}, {Label: "Kind", Value: res.Kind.Label()}, {Label: "Who can see it now", Value: who}}
	if res.Owner != nil {
		facts = append(facts, templates.Fact{Label: "Organisation", Value: res.Owner.Name})
	}
	more := "Nothing is deleted: the next page offers to undo this, and administrators can still see it and restore it later."
	if !v.IsAdmin() {
		more = "You will not be able to see or change it. Nothing is deleted: only the site's administrators can restore it."
	}
	base := manageBase(v)
	return templates.ConfirmPage{Admin: v.IsAdmin(), Title: "Archive " + res.Title + "?", Conflict: c, Facts: facts,
		Lead: "It will no longer be shown in the library or in search.", More: []string{more},
		Action: base + "/" + res.Slug + "/archive", Hidden: versionFields(res.Version, edit.Original(library.InputOf(res))),
		Yes: "Yes, archive it", NoURL: base + "/" + res.Slug + "/edit", NoLabel: "No, keep it"}
}

// handleResourceArchive takes a resource out of the library once confirmed (confirm=1) on the
// page that asks; a post without it (the ask=1 button of older pages) shows that page. An
// admin is offered the undo (restore) on the page it leads to.
func (s *Server) handleResourceArchive(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	v := viewer(ctx)
	res, err := s.library.ForEdit(ctx, v, chi.URLParam(r, "slug"))
	if err != nil {
		return err
	}
	if !confirmed(r) {
		if res.Archived {
			http.Redirect(w, r, manageBase(v)+"/"+res.Slug+"/edit", http.StatusSeeOther)
			return nil
		}
		return s.confirmPage(w, r, http.StatusOK, resourceArchiveAsk(v, res, nil))
	}
	done, err := s.library.Archive(ctx, v, res.Slug, edit.ParseVersion(r.PostForm.Get("version")))
	var conflict *edit.ConflictError[library.Resource]
	switch {
	case err == nil:
		u := templates.Undo{Message: "Resource archived: " + done.Title + ". It is no longer shown in the library."}
		if v.IsAdmin() {
			u.Action, u.Label = "/admin/resources/"+done.Slug+"/restore", "Undo: restore "+done.Title
			u.Fields = versionFields(done.Version, "")[:1]
		} else {
			u.Note = "If that was a mistake, ask an administrator to restore it."
		}
		return s.redirectWithUndo(w, r, manageBase(v), u)
	case errors.As(err, &conflict):
		now := conflict.Current
		names, err := s.resourceNames(r, v, now)
		if err != nil {
			return err
		}
		return s.confirmPage(w, r, http.StatusConflict, resourceArchiveAsk(v, now,
			library.ResourceForm(names).Recheck(r.PostForm.Get("original"), library.InputOf(now))))
	default:
		return err
	}
}

// handleResourceRestore (admins only) brings an archived resource back in two steps, without
// JavaScript: the button posts ask=1, which shows the resource and asks; the answer posts the
// version shown. The undo after archiving posts the answer directly.
func (s *Server) handleResourceRestore(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	v := viewer(ctx)
	slug := chi.URLParam(r, "slug")
	page := templates.ResourceArchivePage{Action: r.URL.Path, Restore: true, BackURL: manageBase(v)}
	if r.PostForm.Get("ask") != "" {
		res, err := s.library.ForEdit(ctx, v, slug)
		if err != nil {
			return err
		}
		page.Resource, page.Original = res, edit.Original(library.InputOf(res))
		return s.render(w, r, http.StatusOK, templates.ResourceArchive(s.base(r), page))
	}
	res, err := s.library.Restore(ctx, v, slug, edit.ParseVersion(r.PostForm.Get("version")))
	var conflict *edit.ConflictError[library.Resource]
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, manageBase(v), "Resource restored: "+res.Title+".")
	case errors.As(err, &conflict):
		now := conflict.Current
		names, err := s.resourceNames(r, v, now)
		if err != nil {
			return err
		}
		page.Resource, page.Original = now, edit.Original(library.InputOf(now))
		page.Conflict = library.ResourceForm(names).Recheck(r.PostForm.Get("original"), library.InputOf(now))
		return s.render(w, r, http.StatusConflict, templates.ResourceArchive(s.base(r), page))
	default:
		return err
	}
}

// readResourceForm reads the resource form: multipart with at most maxFormMemory held in
// memory (a plain form is accepted too, for a link). The file, when one was chosen, is left
// open for the store to stream; the server removes its temporary copy when the request ends.
func readResourceForm(r *http.Request) (library.Input, *library.Upload, error) {
	err := r.ParseMultipartForm(maxFormMemory)
	if errors.Is(err, http.ErrNotMultipart) {
		err = r.ParseForm()
	}
	if err != nil {
		return library.Input{}, nil, badForm(err)
	}
	f := r.PostForm
	in := library.Input{Title: f.Get("title"), Summary: f.Get("summary"), Kind: f.Get("kind"), Topics: f["topics"],
		Owner: f.Get("owner"), Visibility: f.Get("visibility"), URL: f.Get("url")}
	if r.MultipartForm == nil || len(r.MultipartForm.File["file"]) == 0 {
		return in, nil, nil
	}
	fh := r.MultipartForm.File["file"][0]
	file, err := fh.Open()
	if err != nil {
		return in, nil, err
	}
	// The server removes the temporary copy when the request ends; the handler closes it.
	return in, &library.Upload{Filename: fh.Filename, Size: fh.Size, Content: file}, nil
}

func closeUpload(up *library.Upload) {
	if up == nil {
		return
	}
	if c, ok := up.Content.(io.Closer); ok {
		c.Close()
	}
}

func (s *Server) renderResourceForm(w http.ResponseWriter, r *http.Request, status int, res *library.Resource,
	form templates.ResourceForm, conflict *edit.Conflict) error {
	ctx := r.Context()
	v := viewer(ctx)
	topics, err := s.library.Topics(ctx)
	if err != nil {
		return err
	}
	page := templates.ResourceFormPage{Resource: res, Form: form, Topics: topics, BackURL: manageBase(v), Conflict: conflict}
	if v.IsAdmin() {
		if page.Owners, err = s.library.Owners(ctx, v); err != nil {
			return err
		}
	} else if page.OwnOrg, err = s.orgName(r, v); err != nil {
		return err
	}
	return s.render(w, r, status, templates.ResourceFormView(s.base(r), page))
}

// orgName is the name of an RSL officer's organisation.
func (s *Server) orgName(r *http.Request, v access.Viewer) (string, error) {
	owners, err := s.library.Owners(r.Context(), v)
	if err != nil || len(owners) == 0 {
		return "", err
	}
	return owners[0].Name, nil
}

// resourceNames maps topic and organisation slugs to names, for the conflict table.
func (s *Server) resourceNames(r *http.Request, v access.Viewer, res library.Resource) (map[string]string, error) {
	names := map[string]string{}
	topics, err := s.library.AllTopics(r.Context())
	if err != nil {
		return nil, err
	}
	for _, t := range topics {
		names[t.Slug] = t.Name
	}
	owners, err := s.library.Owners(r.Context(), v)
	if err != nil {
		return nil, err
	}
	for _, o := range owners {
		names[o.Slug] = o.Name
	}
	if res.Owner != nil {
		names[res.Owner.Slug] = res.Owner.Name
	}
	return names, nil
}
