"""boto3 (default settings: flexible checksums, trailers) against kamen: put/get/list, multipart, versioning, presign.

Run by test/e2e/s3-sdk.test.ts with AWS_ENDPOINT_URL and the credentials in the environment; prints one JSON line.
"""
import io
import json
import sys
import urllib.request

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

bucket = sys.argv[1]
s3 = boto3.client('s3', config=Config(s3={'addressing_style': 'path'}))
out = {}
s3.create_bucket(Bucket=bucket)
s3.put_object(Bucket=bucket, Key='dir/hello.txt', Body=b'hello from boto3', Metadata={'color': 'blue'})
got = s3.get_object(Bucket=bucket, Key='dir/hello.txt', ChecksumMode='ENABLED')
out['get'] = got['Body'].read().decode()
out['metadata'] = got['Metadata']
listed = s3.list_objects_v2(Bucket=bucket, Delimiter='/')
out['prefixes'] = [p['Prefix'] for p in listed.get('CommonPrefixes', [])]
big = bytes(range(256)) * (12 * 1024 * 1024 // 256 + 7)
s3.upload_fileobj(io.BytesIO(big), bucket, 'big.bin', Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024, max_concurrency=2))
head = s3.head_object(Bucket=bucket, Key='big.bin')
out['bigEtag'] = head['ETag']
out['bigSame'] = s3.get_object(Bucket=bucket, Key='big.bin')['Body'].read() == big
s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={'Status': 'Enabled'})
v1 = s3.put_object(Bucket=bucket, Key='v.txt', Body=b'one')['VersionId']
v2 = s3.put_object(Bucket=bucket, Key='v.txt', Body=b'two')['VersionId']
out['versionOne'] = s3.get_object(Bucket=bucket, Key='v.txt', VersionId=v1)['Body'].read().decode()
deleted = s3.delete_object(Bucket=bucket, Key='v.txt')
out['deleteMarker'] = deleted.get('DeleteMarker')
versions = s3.list_object_versions(Bucket=bucket, Prefix='v.txt')
out['versions'] = [v['VersionId'] for v in versions.get('Versions', [])] == [v2, v1]
out['markers'] = len(versions.get('DeleteMarkers', []))
# boto3 presigns with SigV2 by default for us-east-1 at a custom endpoint; kamen serves SigV4 presigned URLs.
signer = boto3.client('s3', config=Config(signature_version='s3v4', s3={'addressing_style': 'path'}))
url = signer.generate_presigned_url('get_object', Params={'Bucket': bucket, 'Key': 'dir/hello.txt'}, ExpiresIn=300)
out['presignedV4'] = 'X-Amz-Signature=' in url
with urllib.request.urlopen(url) as r:
    out['presigned'] = r.read().decode()
print(json.dumps(out))
