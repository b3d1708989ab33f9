package server

import (
	"errors"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/sheet"
	"dadirectory/internal/wording"
	"dadirectory/templates"
)

// An admin imports a spreadsheet of contacts: upload (/admin/import/contacts), map its columns
// (/admin/import/contacts/{token}), check the dry run (.../preview) and confirm (.../apply).
// The upload is kept server-side for that admin under the token, so the dry run confirmed is
// the one applied (directory.ApplyContactImport checks it again in its transaction).

const importBase = "/admin/import/contacts"

func importURL(token, rest string) string { return importBase + "/" + token + rest }

func (s *Server) handleImportContactsForm(w http.ResponseWriter, r *http.Request) error {
	page := templates.ImportContactsUploadPage{Flash: s.popFlash(r)}
	return s.render(w, r, http.StatusOK, templates.ImportContactsUpload(s.base(r), page))
}

// handleImportContactsUpload reads the file and keeps it. A file that cannot be taken gets
// 422 with every reason, by row and column where a cell is the reason; nothing is kept.
func (s *Server) handleImportContactsUpload(w http.ResponseWriter, r *http.Request) error {
	err := r.ParseMultipartForm(maxFormMemory)
	if errors.Is(err, http.ErrNotMultipart) {
		err = r.ParseForm() // a form without its file: said below
	}
	if err != nil {
		if errors.As(err, new(*http.MaxBytesError)) {
			return err
		}
		return badForm(err)
	}
	refuse := func(msgs ...string) error {
		page := templates.ImportContactsUploadPage{}
		for _, m := range msgs {
			page.Errors = append(page.Errors, templates.FieldError{Field: "file", Message: m})
		}
		return s.render(w, r, http.StatusUnprocessableEntity, templates.ImportContactsUpload(s.base(r), page))
	}
	var files []*multipart.FileHeader
	if r.MultipartForm != nil {
		files = r.MultipartForm.File["file"]
	}
	if len(files) == 0 || files[0].Filename == "" {
		return refuse("Choose a CSV file or an Excel workbook (.xlsx) to upload")
	}
	fh := files[0]
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	sh, err := sheet.Read(fh.Filename, f)
	var bad *sheet.Error
	if errors.As(err, &bad) {
		msgs := make([]string, len(bad.Problems))
		for i, p := range bad.Problems {
			msgs[i] = p.Message
		}
		return refuse(msgs...)
	}
	if err != nil {
		return err
	}
	ctx := r.Context()
	token, err := s.directory.SaveContactImport(ctx, viewer(ctx), fh.Filename, sh)
	if err != nil {
		return err
	}
	http.Redirect(w, r, importURL(token, ""), http.StatusSeeOther)
	return nil
}

// handleImportContactsMap offers a column for each field, guessed from the column names the
// first time.
func (s *Server) handleImportContactsMap(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	imp, err := s.directory.ContactImport(ctx, viewer(ctx), chi.URLParam(r, "token"))
	if err != nil {
		return err
	}
	chosen := map[string]string{}
	m := imp.Mapping
	if m == nil {
		m = directory.GuessMapping(imp.Header)
	}
	for field, col := range m {
		chosen[field] = strconv.Itoa(col)
	}
	page := templates.ImportContactsMapPage{Import: imp, Chosen: chosen}
	return s.render(w, r, http.StatusOK, templates.ImportContactsMap(s.base(r), page))
}

func (s *Server) handleImportContactsMapSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	v := viewer(ctx)
	imp, err := s.directory.ContactImport(ctx, v, chi.URLParam(r, "token"))
	if err != nil {
		return err
	}
	m, invalid := directory.ReadImportMapping(r.PostForm.Get, len(imp.Header))
	if len(invalid) > 0 {
		chosen := map[string]string{}
		for _, f := range directory.ImportFields {
			if !invalid.Has(f.Name) {
				chosen[f.Name] = r.PostForm.Get(f.Name)
			}
		}
		page := templates.ImportContactsMapPage{Import: imp, Chosen: chosen, Errors: templates.FieldErrors(invalid)}
		return s.render(w, r, http.StatusUnprocessableEntity, templates.ImportContactsMap(s.base(r), page))
	}
	if err := s.directory.MapContactImport(ctx, v, imp.Token, m); err != nil {
		return err
	}
	http.Redirect(w, r, importURL(imp.Token, "/preview"), http.StatusSeeOther)
	return nil
}

// handleImportContactsPreview is the dry run. Nothing changes.
func (s *Server) handleImportContactsPreview(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	token := chi.URLParam(r, "token")
	plan, err := s.directory.PlanContactImport(ctx, viewer(ctx), token)
	if errors.Is(err, directory.ErrImportUnmapped) {
		http.Redirect(w, r, importURL(token, ""), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return s.renderImportPreview(w, r, http.StatusOK, token, plan, false)
}

// handleImportContactsApply applies the dry run the admin confirmed (its digest in plan).
// When the directory changed since, the new dry run is shown (409) and nothing is applied.
func (s *Server) handleImportContactsApply(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	token := chi.URLParam(r, "token")
	plan, err := s.directory.ApplyContactImport(ctx, viewer(ctx), token, r.PostForm.Get("plan"))
	var conflict *edit.ConflictError[directory.ImportPlan]
	switch {
	case err == nil:
		return s.redirectWithFlash(w, r, importBase, importedMessage(plan))
	case errors.As(err, &conflict):
		return s.renderImportPreview(w, r, http.StatusConflict, token, conflict.Current, true)
	case errors.Is(err, directory.ErrImportInvalid):
		return s.renderImportPreview(w, r, http.StatusUnprocessableEntity, token, plan, false)
	case errors.Is(err, directory.ErrImportUnmapped):
		http.Redirect(w, r, importURL(token, ""), http.StatusSeeOther)
		return nil
	default:
		return err
	}
}

func (s *Server) renderImportPreview(w http.ResponseWriter, r *http.Request, status int, token string, plan directory.ImportPlan, changed bool) error {
	page := templates.ImportContactsPreviewPage{Token: token, Plan: plan, Changed: changed}
	return s.render(w, r, status, templates.ImportContactsPreview(s.base(r), page))
}

// importedMessage says what an import did.
func importedMessage(p directory.ImportPlan) string {
	if p.Added+p.Changed == 0 {
		return "Nothing was imported from " + p.FileName + ": the directory already says everything it does."
	}
	return "Imported from " + p.FileName + ": " + wording.Count(p.Added, "contact", "contacts") + " added, " +
		wording.Count(p.Changed, "contact", "contacts") + " changed, " + wording.Count(p.Same, "contact", "contacts") +
		" already as the sheet says."
}
