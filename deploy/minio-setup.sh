#!/bin/sh
# Creates the bucket and the application's MinIO user, which may read and write
# that bucket and nothing else. Safe to run again (the secret is reset to the
# configured one). Needs MINIO_ROOT_USER, MINIO_ROOT_PASSWORD and OUTBOUND_MINIO_SECRET.
set -eu
: "${OUTBOUND_MINIO_SECRET:?set OUTBOUND_MINIO_SECRET}"
bucket="${OUTBOUND_MINIO_BUCKET:-outbound}"
mc alias set store http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
mc mb --ignore-existing "store/$bucket"
cat > /tmp/outbound-policy.json <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetBucketLocation", "s3:ListBucket"], "Resource": ["arn:aws:s3:::$bucket"]},
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": ["arn:aws:s3:::$bucket/*"]}
  ]
}
JSON
mc admin policy create store outbound-app /tmp/outbound-policy.json
mc admin user add store outbound-app "$OUTBOUND_MINIO_SECRET"
mc admin policy attach store outbound-app --user outbound-app || true # already attached
echo "bucket $bucket and user outbound-app are ready"
