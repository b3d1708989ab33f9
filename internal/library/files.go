package library

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
)

// MaxFileSize is the largest file the library takes: 20 MB.
const MaxFileSize = 20 << 20

// chunkSize is how much of a file one row of resource_file_chunks holds: small enough that a
// download holds little memory and a database connection only for a moment per chunk.
const chunkSize = 512 << 10

// acceptedType is a kind of file the library takes, as detected from its content.
type acceptedType struct {
	mime, ext, label string
}

// acceptedTypes are what may be uploaded. The list matches the resource_files CHECK.
var acceptedTypes = []acceptedType{
	{"application/pdf", ".pdf", "PDF"},
	{"application/msword", ".doc", "Word document"},
	{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word document"},
	{"application/vnd.ms-excel", ".xls", "Excel spreadsheet"},
	{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "Excel spreadsheet"},
	{"application/vnd.oasis.opendocument.text", ".odt", "OpenDocument text"},
	{"application/vnd.oasis.opendocument.spreadsheet", ".ods", "OpenDocument spreadsheet"},
	{"image/png", ".png", "PNG image"},
	{"image/jpeg", ".jpg", "JPEG image"},
}

var acceptedByType = func() map[string]acceptedType {
	m := make(map[string]acceptedType, len(acceptedTypes))
	for _, t := range acceptedTypes {
		m[t.mime] = t
	}
	return m
}()

// AcceptAttr is the accept attribute of the file input: a hint for the browser's file picker
// only; the content decides.
const AcceptAttr = ".pdf,.doc,.docx,.xls,.xlsx,.odt,.ods,.png,.jpg,.jpeg"

// Upload is a file being added to the library: its name as the browser sent it, its size as
// the request parser measured it, and its content.
type Upload struct {
	Filename string
	Size     int64
	Content  io.Reader
}

const (
	msgFileType = "The selected file must be a PDF, Word, Excel, OpenDocument text or spreadsheet, PNG or JPEG file. " +
		"We check what the file contains, not its name, and this file is not one of these."
	msgFileScript = "The selected file is a web page or script, not a document, whatever its name says. " +
		"Choose a PDF, Word, Excel, OpenDocument, PNG or JPEG file."
	msgFileEmpty = "The selected file is empty. Choose a file with something in it."
)

func msgFileSize(size int64) string {
	return fmt.Sprintf("The selected file must be 20 MB or smaller (it is %.1f MB).", float64(size)/(1<<20))
}

// inspected is an upload whose type has been read from its head; content gives the whole
// file again, head included.
type inspected struct {
	typ      acceptedType
	filename string
	content  io.Reader
}

// inspectUpload decides the type of up from its first bytes and checks its size, adding
// problems to e under the field "file". It reads only the head, so nothing is stored yet.
func inspectUpload(up *Upload, fallbackName string, e *validate.Errors) (*inspected, error) {
	if up.Size > MaxFileSize {
		e.Add(fieldFile, msgFileSize(up.Size))
		return nil, nil
	}
	var head bytes.Buffer
	m, err := mimetype.DetectReader(io.TeeReader(up.Content, &head))
	if err != nil {
		return nil, fmt.Errorf("library: read upload: %w", err)
	}
	if head.Len() == 0 {
		e.Add(fieldFile, msgFileEmpty)
		return nil, nil
	}
	typ, ok := typeOf(m, head.Bytes())
	if !ok {
		if looksLikeScript(m) || looksLikeMarkup(head.Bytes()) {
			e.Add(fieldFile, msgFileScript)
		} else {
			e.Add(fieldFile, msgFileType)
		}
		return nil, nil
	}
	return &inspected{
		typ:      typ,
		filename: cleanFilename(up.Filename, typ.ext, fallbackName),
		content:  io.MultiReader(&head, up.Content),
	}, nil
}

// typeOf is the accepted type m stands for. A PDF must start with its signature: the detector
// also takes "%PDF-" anywhere in the first kilobyte, which would let an HTML page that
// mentions it through.
func typeOf(m *mimetype.MIME, head []byte) (acceptedType, bool) {
	for _, t := range acceptedTypes {
		if m.Is(t.mime) {
			if t.mime == "application/pdf" && !bytes.HasPrefix(head, []byte("%PDF-")) {
				return acceptedType{}, false
			}
			return t, true
		}
	}
	return acceptedType{}, false
}

// looksLikeScript reports whether m is markup or code a browser or a shell might run.
func looksLikeScript(m *mimetype.MIME) bool {
	for t := m; t != nil; t = t.Parent() {
		s := t.String()
		if strings.HasPrefix(s, "text/") || strings.Contains(s, "javascript") || strings.Contains(s, "html") ||
			strings.Contains(s, "xml") || strings.Contains(s, "svg") || strings.Contains(s, "x-sh") {
			return true
		}
	}
	return false
}

// looksLikeMarkup reports whether head starts like a web page or a script, whatever a
// detector made of the rest (an HTML page mentioning "%PDF-" reads as a PDF to it).
func looksLikeMarkup(head []byte) bool {
	h := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if bytes.HasPrefix(h, []byte("<")) || bytes.HasPrefix(h, []byte("#!")) {
		return true
	}
	lower := bytes.ToLower(head[:min(len(head), 1024)])
	return bytes.Contains(lower, []byte("<script")) || bytes.Contains(lower, []byte("<html"))
}

// cleanFilename makes the name a download is saved under: the last part of what the browser
// sent, valid UTF-8 without control characters or characters that mean something in a path
// or a header, at most 100 characters, ending in the extension of the detected type. An
// extension the name had for an accepted type is replaced; any other is kept before ours, so
// "notes.html" holding a PDF is saved as "notes.html.pdf" and opens as what it is.
func cleanFilename(name, ext, fallback string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), r == utf8.RuneError, unicode.Is(unicode.Cf, r):
			return -1 // includes right-to-left overrides that disguise an extension
		case strings.ContainsRune(`"*:<>?|;%`, r):
			return '_'
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, name)
	name = strings.Join(strings.Fields(name), " ")
	lower := strings.ToLower(name)
	for _, t := range append(acceptedTypes, acceptedType{ext: ".jpeg"}) {
		if strings.HasSuffix(lower, t.ext) {
			name = name[:len(name)-len(t.ext)]
			break
		}
	}
	name = strings.Trim(name, " .")
	if r := []rune(name); len(r) > 100 {
		name = strings.TrimRight(string(r[:100]), " .")
	}
	if name == "" {
		name = fallback
	}
	return name + ext
}

// storeFile streams the content of f into resource_files and its chunks inside tx, hashing as
// it goes. The row is written first with the measured size, then completed, so the chunks can
// refer to it; nobody sees it before tx commits. A file larger than MaxFileSize (the parser's
// size was wrong) is refused with a field error in e.
func storeFile(ctx context.Context, tx pgx.Tx, f *inspected, declared int64, e *validate.Errors) (File, error) {
	out := File{Filename: f.filename, ContentType: f.typ.mime}
	err := tx.QueryRow(ctx, `INSERT INTO resource_files (filename, content_type, size, sha256, chunks)
		VALUES ($1, $2, $3, $4, 1) RETURNING id`, f.filename, f.typ.mime, max(1, min(declared, MaxFileSize)), make([]byte, 32)).Scan(&out.ID)
	if err != nil {
		return out, fmt.Errorf("library: store file: %w", err)
	}
	h := sha256.New()
	buf := make([]byte, chunkSize)
	for {
		n, err := io.ReadFull(f.content, buf)
		if n > 0 {
			out.Size += int64(n)
			if out.Size > MaxFileSize {
				e.Add(fieldFile, msgFileSize(out.Size))
				return out, *e
			}
			h.Write(buf[:n])
			if _, err := tx.Exec(ctx, `INSERT INTO resource_file_chunks (file_id, n, data) VALUES ($1, $2, $3)`,
				out.ID, out.Chunks, buf[:n]); err != nil {
				return out, fmt.Errorf("library: store file chunk: %w", err)
			}
			out.Chunks++
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return out, fmt.Errorf("library: read upload: %w", err)
		}
	}
	out.SHA256 = h.Sum(nil)
	_, err = tx.Exec(ctx, `UPDATE resource_files SET size = $2, sha256 = $3, chunks = $4 WHERE id = $1`,
		out.ID, out.Size, out.SHA256, out.Chunks)
	if err != nil {
		return out, fmt.Errorf("library: store file: %w", err)
	}
	return out, nil
}

// FileOf returns the file of the resource slug, if viewer may see the resource and it is a
// file; edit.ErrNotFound otherwise.
func (s *Store) FileOf(ctx context.Context, v access.Viewer, slug string) (Resource, error) {
	r, err := s.Get(ctx, v, slug)
	if err != nil {
		return r, err
	}
	if r.File == nil {
		return r, edit.ErrNotFound
	}
	return r, nil
}

// CopyFile writes the content of f to w a chunk at a time, each chunk read by its own short
// query, so a slow download never holds a database connection. Files never change, but one
// can be deleted (replaced) mid-download: the copy then fails and the download is cut short.
func (s *Store) CopyFile(ctx context.Context, f File, w io.Writer) error {
	for n := 0; n < f.Chunks; n++ {
		var data []byte
		err := s.db.QueryRow(ctx, `SELECT data FROM resource_file_chunks WHERE file_id = $1 AND n = $2`, f.ID, n).Scan(&data)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("library: file %d: chunk %d is gone (file replaced?)", f.ID, n)
		}
		if err != nil {
			return fmt.Errorf("library: read file %d: %w", f.ID, err)
		}
		if _, err := w.Write(data); err != nil {
			return fmt.Errorf("library: send file %d: %w", f.ID, err)
		}
	}
	return nil
}
