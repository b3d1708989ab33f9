package server

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"dadirectory/internal/edit"
	"dadirectory/internal/openreferral/exchange"
	"dadirectory/templates"
)

// Admins import an Open Referral (HSDS) file in two steps: the upload shows the dry run (what
// would be added and changed, field by field, and every problem), keeping the file; the
// confirmation applies that same file, provided the directory has not changed meanwhile.

func (s *Server) handleAdminImport(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, templates.AdminImport(s.base(r), templates.AdminImportPage{Flash: s.popFlash(r)}))
}

func (s *Server) handleAdminImportPreview(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewer(ctx)
	name, data, err := readImportFile(r)
	if err != nil {
		return err
	}
	if data == nil {
		return s.render(w, r, http.StatusUnprocessableEntity, templates.AdminImport(s.base(r),
			templates.AdminImportPage{Error: "Choose the file to import: a zip or JSON file of the directory in Open Referral format."}))
	}
	plan, err := exchange.Preview(ctx, s.db, s.directory, v, name, data)
	var fe *exchange.FileError
	switch {
	case errors.As(err, &fe):
		return s.render(w, r, http.StatusUnprocessableEntity, templates.AdminImport(s.base(r),
			templates.AdminImportPage{Error: "The file cannot be imported: nothing was changed.", Problems: fe.Problems}))
	case err != nil:
		return err
	}
	page := templates.AdminImportPlanPage{Plan: plan}
	if !plan.Applicable() {
		status := http.StatusOK
		if len(plan.Problems) > 0 {
			status = http.StatusUnprocessableEntity
		}
		return s.render(w, r, status, templates.AdminImportPlan(s.base(r), page))
	}
	if page.Token, err = exchange.SaveUpload(ctx, s.db, v, name, data); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.AdminImportPlan(s.base(r), page))
}

// readImportFile reads the uploaded file: its name and bytes, nil when none was chosen. A file
// over the limit is refused with 413, before anything is read into the database.
func readImportFile(r *http.Request) (string, []byte, error) {
	err := r.ParseMultipartForm(maxFormMemory)
	if errors.Is(err, http.ErrNotMultipart) {
		if err := r.ParseForm(); err != nil {
			return "", nil, badForm(err)
		}
		return "", nil, nil
	}
	var maxBytes *http.MaxBytesError
	if errors.As(err, &maxBytes) {
		return "", nil, err
	}
	if err != nil {
		return "", nil, badForm(err)
	}
	files := r.MultipartForm.File["file"]
	if len(files) == 0 || files[0].Size == 0 {
		return "", nil, nil
	}
	f, err := files[0].Open()
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, exchange.MaxFile+1))
	if err != nil {
		return "", nil, err
	}
	if len(data) > exchange.MaxFile {
		return "", nil, &http.MaxBytesError{Limit: exchange.MaxFile}
	}
	return files[0].Filename, data, nil
}

func (s *Server) handleAdminImportApply(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	ctx := r.Context()
	v := viewer(ctx)
	token, fingerprint := r.PostForm.Get("token"), r.PostForm.Get("fingerprint")
	name, data, err := exchange.LoadUpload(ctx, s.db, v, token)
	if errors.Is(err, edit.ErrNotFound) {
		return s.render(w, r, http.StatusUnprocessableEntity, templates.AdminImport(s.base(r), templates.AdminImportPage{
			Error: "That upload is no longer kept (uploads are kept for a day, and until they are imported): choose the file again."}))
	}
	if err != nil {
		return err
	}
	plan, err := exchange.Apply(ctx, s.db, s.directory, v, name, data, fingerprint)
	var fe *exchange.FileError
	switch {
	case err == nil:
		if err := exchange.DropUpload(ctx, s.db, v, token); err != nil {
			return err
		}
		s.log.InfoContext(ctx, "hsds import applied", "id", RequestIDFrom(ctx), "user", v.UserID, "changes", len(plan.Changes))
		return s.redirectWithFlash(w, r, "/admin/import", "Imported "+plan.File+": "+strconv.Itoa(len(plan.Changes))+
			" changes made. Each is in the audit trail.")
	case errors.Is(err, exchange.ErrStale):
		// The new dry run, with the same file kept: look again, then confirm again.
		page := templates.AdminImportPlanPage{Plan: plan, Stale: true}
		if plan.Applicable() {
			page.Token = token
		}
		return s.render(w, r, http.StatusConflict, templates.AdminImportPlan(s.base(r), page))
	case errors.Is(err, exchange.ErrNotApplicable):
		return s.render(w, r, http.StatusUnprocessableEntity, templates.AdminImportPlan(s.base(r), templates.AdminImportPlanPage{Plan: plan}))
	case errors.As(err, &fe):
		return s.render(w, r, http.StatusUnprocessableEntity, templates.AdminImport(s.base(r),
			templates.AdminImportPage{Error: "The file cannot be imported: nothing was changed.", Problems: fe.Problems}))
	}
	return err
}
