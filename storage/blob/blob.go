// Package blob keeps every file in MinIO. Objects are written once under a
// key the server chooses and never overwritten.
package blob

import (
	"context"
	"errors"
	"io"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Store is a bucket.
type Store struct {
	client *minio.Client
	bucket string
}

var (
	// ErrUnavailable: MinIO could not be reached or failed; the caller answers 503.
	ErrUnavailable = errors.New("object store unavailable")
	// ErrMissing: the bucket answers, but has no object under the key.
	ErrMissing = errors.New("object missing")
)

// New connects to a bucket (it does not create it).
func New(endpoint, accessKey, secretKey, bucket string, useSSL bool) (*Store, error) {
	c, err := minio.New(endpoint, &minio.Options{Creds: credentials.NewStaticV4(accessKey, secretKey, ""), Secure: useSSL})
	if err != nil {
		return nil, err
	}
	return &Store{client: c, bucket: bucket}, nil
}

// partSize bounds the memory one upload of unknown length (size -1) uses.
const partSize = 5 << 20

// Put streams r into a new object and returns its size. With the size known the object goes in
// one PUT as r is read, nothing buffered (files are at most 100 MB); with -1, one part at a time is.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (int64, error) {
	opts := minio.PutObjectOptions{ContentType: contentType, PartSize: partSize, DisableMultipart: size >= 0,
		// The caller hashes what it sends (the SHA-256 kept with the file); signing the payload would
		// hash it a second time on the way.
		DisableContentSha256: size >= 0}
	info, err := s.client.PutObject(ctx, s.bucket, key, r, size, opts)
	if err != nil {
		return 0, err
	}
	return info.Size, nil
}

// Open returns a reader of an object and its size.
func (s *Store) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, 0, errors.Join(ErrUnavailable, err)
	}
	st, err := obj.Stat()
	if err != nil {
		obj.Close()
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil, 0, errors.Join(ErrMissing, err)
		}
		return nil, 0, errors.Join(ErrUnavailable, err)
	}
	return obj, st.Size, nil
}

// Remove deletes an object; used only for objects no row records (any more).
func (s *Store) Remove(ctx context.Context, key string) error {
	return s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
}

// Ping checks that the bucket answers.
func (s *Store) Ping(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("bucket " + s.bucket + " does not exist")
	}
	return nil
}

// List walks the objects under a prefix.
func (s *Store) List(ctx context.Context, prefix string) <-chan minio.ObjectInfo {
	return s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true})
}
