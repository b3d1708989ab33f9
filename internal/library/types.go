// Package library is the shared resource library: policies, guidance, checklists, leaflets and
// the like, each a link to a web page or a file stored in PostgreSQL. It holds the types, the
// validation and the SQL; who may see a resource is decided in that SQL, from a Viewer.
package library

import (
	"time"
)

// Kind is what sort of resource it is.
type Kind string

// KindOption is a kind and the words the pages use for it.
type KindOption struct {
	Value  Kind
	Label  string // "Form or checklist"
	Plural string // "Forms and checklists", for the filter
}

// Kinds lists every kind, in the order forms and filters offer them.
var Kinds = []KindOption{
	{"policy", "Policy", "Policies"},
	{"guidance", "Guidance", "Guidance"},
	{"toolkit", "Toolkit", "Toolkits"},
	{"form_checklist", "Form or checklist", "Forms and checklists"},
	{"leaflet", "Leaflet", "Leaflets"},
	{"video", "Video", "Videos"},
	{"website", "Website", "Websites"},
}

// Label is how the kind reads on a page; an unknown kind reads as itself.
func (k Kind) Label() string {
	for _, o := range Kinds {
		if o.Value == k {
			return o.Label
		}
	}
	return string(k)
}

func (k Kind) valid() bool { return k.Label() != string(k) }

// Visibility values, as the resources.visibility CHECK allows them.
const (
	Public = "public"
	Staff  = "staff"
)

// Topic is a subject resources are filed under. A retired topic stays on the resources that
// have it but is not offered for new ones.
type Topic struct {
	ID      int64
	Slug    string
	Name    string
	Retired bool
	Version int
}

// Owner is an organisation that keeps resources, as a filter or form choice.
type Owner struct {
	Slug, Name string
}

// File is what is known of a stored file without reading it.
type File struct {
	ID          int64
	Filename    string // cleaned, with the extension of its detected type
	ContentType string // detected from the content
	Size        int64
	SHA256      []byte
	Chunks      int
}

// TypeLabel is how the file's type reads on a page ("PDF").
func (f File) TypeLabel() string {
	if t, ok := acceptedByType[f.ContentType]; ok {
		return t.label
	}
	return "File"
}

// Resource is one resource as a page shows it.
type Resource struct {
	ID         int64
	Slug       string
	Title      string
	Summary    string
	Kind       Kind
	Topics     []Topic
	Owner      *Owner // nil when none, or when the owner is hidden from the viewer
	OwnerID    int64  // 0 for none; for editors only
	StaffOnly  bool
	URL        string // "" when the resource is a file
	File       *File  // nil when the resource is a link
	Archived   bool
	ReviewedAt *time.Time
	ReviewDue  *time.Time // a date
	Overdue    bool       // review_due is before today in Europe/London
	Version    int
	UpdatedAt  time.Time
}

// TopicSlugs are the slugs of the resource's topics.
func (r Resource) TopicSlugs() []string {
	out := make([]string, len(r.Topics))
	for i, t := range r.Topics {
		out[i] = t.Slug
	}
	return out
}
