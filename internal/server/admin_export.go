package server

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"dadirectory/internal/openreferral/exchange"
	"dadirectory/internal/uktime"
	"dadirectory/templates"
)

// Admins download the whole directory as Open Referral HSDS: the page says what is in it,
// and each format is a download of its own.

func (s *Server) handleAdminExport(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, templates.AdminExport(s.base(r)))
}

func (s *Server) handleAdminExportFile(f exchange.Format) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var b bytes.Buffer
		if err := exchange.Export(r.Context(), s.db, f, &b); err != nil {
			return err
		}
		name, mime := "directory-hsds-"+time.Now().In(uktime.London).Format(time.DateOnly), "application/zip"
		if f == exchange.JSONFormat {
			name, mime = name+".json", "application/json"
		} else {
			name += ".zip"
		}
		h := w.Header()
		h.Set("Content-Type", mime)
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
		h.Set("Content-Length", strconv.Itoa(b.Len()))
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		_, err := w.Write(b.Bytes())
		return err
	}
}
