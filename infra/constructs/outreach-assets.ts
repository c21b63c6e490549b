import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { publishedKeys } from '../../core/outreach/outreach-kit.ts';
import { VENDOR_CODE_PATTERN, type VendorCode } from '../../core/vendor-code.ts';

export interface OutreachAssetsProps {
  /** The Data stack's assets bucket (its policy lets this account's distributions read the published prefix). */
  readonly bucketName: string;
  readonly bucketRegionalDomainName: string;
}

const CODE = '{code}';
const keys = publishedKeys(CODE as VendorCode);
const code = VENDOR_CODE_PATTERN.source.replace(/^\^/, '').replace(/\$$/, '');

/**
 * CloudFront Functions code (cloudfront-js-2.0): the URLs the dashboard and the e-mails use
 * locally (`/outreach/qr/<code>.png|.svg`, `/outreach/templates/<code>.html`, served by
 * http/outreach-app.ts) are mapped onto the keys `reftrack outreach publish` writes
 * (core/outreach/outreach-kit.ts), so one URL layout works in both places. Anything else is 404.
 */
const OUTREACH_REWRITE_CODE = `function handler(event) {
  var request = event.request;
  var qr = /^\\/outreach\\/qr\\/(${code})\\.(png|svg)$/.exec(request.uri);
  if (qr) {
    request.uri = '/' + (qr[2] === 'png' ? ${JSON.stringify(keys.qrPng)} : ${JSON.stringify(keys.qrSvg)}).replace(${JSON.stringify(CODE)}, qr[1]);
    return request;
  }
  var preview = /^\\/outreach\\/templates\\/(${code})\\.html$/.exec(request.uri);
  if (preview) {
    request.uri = '/' + ${JSON.stringify(keys.template)}.replace(${JSON.stringify(CODE)}, preview[1]);
    return request;
  }
  return { statusCode: 404, statusDescription: 'Not Found', headers: { 'content-type': { value: 'text/plain; charset=utf-8' }, 'cache-control': { value: 'no-store' } }, body: 'not found' };
}`;

/**
 * `/outreach/*` on the distribution: the published QR images (the e-mails' hosted image, the
 * dashboard's QR codes and downloads) and e-mail previews, from the private assets bucket through
 * origin access control. Previews are served with a policy that allows no script.
 */
export class OutreachAssets extends Construct {
  readonly behavior: cloudfront.BehaviorOptions;

  constructor(scope: Construct, id: string, props: OutreachAssetsProps) {
    super(scope, id);
    const bucket = s3.Bucket.fromBucketAttributes(this, 'Assets', { bucketName: props.bucketName, bucketRegionalDomainName: props.bucketRegionalDomainName });
    const rewrite = new cloudfront.Function(this, 'Rewrite', {
      comment: 'reftrack /outreach/* -> published asset keys',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(OUTREACH_REWRITE_CODE),
    });
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'reftrack outreach assets: no script, framable by the dashboard only',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: "default-src 'none'; img-src 'self' https: data:; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'", override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    this.behavior = {
      // The bucket is another stack's: its policy already grants this account's distributions read
      // on the published prefix (DataStack), so the origin must not try to edit it.
      origin: origins.S3BucketOrigin.withOriginAccessControl(bucket, { originAccessLevels: [cloudfront.AccessLevel.READ] }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: headers,
      functionAssociations: [{ function: rewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      compress: true,
    };
  }
}
