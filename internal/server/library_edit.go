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

// handleResourceArchive takes a resource out of the library in two steps, without
// JavaScript: the button posts ask=1, which shows the resource and asks; the answer posts the
// version shown. handleResourceRestore (admins only) brings one back the same way.
func (s *Server) handleResourceArchive(w http.ResponseWriter, r *http.Request) error {
	return s.archiveOrRestore(w, r, false)
}

func (s *Server) handleResourceRestore(w http.ResponseWriter, r *http.Request) error {
	return s.archiveOrRestore(w, r, true)
}

func (s *Server) archiveOrRestore(w http.ResponseWriter, r *http.Request, restore bool) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	v := viewer(ctx)
	slug := chi.URLParam(r, "slug")
	page := templates.ResourceArchivePage{Action: r.URL.Path, Restore: restore, BackURL: manageBase(v)}
	if r.PostForm.Get("ask") != "" {
		res, err := s.library.ForEdit(ctx, v, slug)
		if err != nil {
			return err
		}
		page.Resource, page.Original = res, edit.Original(library.InputOf(res))
		return s.render(w, r, http.StatusOK, templates.ResourceArchive(s.base(r), page))
	}
	version := edit.ParseVersion(r.PostForm.Get("version"))
	change, done := s.library.Archive, "Resource archived: "
	if restore {
		change, done = s.library.Restore, "Resource restored: "
	}
	res, err := change(ctx, v, slug, version)
	var conflict *edit.ConflictError[library.Resource]
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, manageBase(v), done+res.Title+".")
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
