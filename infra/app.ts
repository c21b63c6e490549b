#!/usr/bin/env node
/** CDK app entry (cdk.json runs it with tsx). The stacks arrive with the infrastructure work. */
import { App } from 'aws-cdk-lib';

const app = new App();
app.synth();
