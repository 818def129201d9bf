/**
 * The AWS services kamen can create a service-linked role for: the service principal, AWS's role name, the managed
 * policy AWS attaches (arn:aws:iam::aws:policy/aws-service-role/<name>), and whether the service accepts a CustomSuffix.
 */

/** One service's service-linked role as AWS creates it. */
export interface ServiceLinkedRoleSpec {
  /** The role name AWS gives it (AWSServiceRoleFor…); a custom suffix is appended as `_<suffix>`. */
  roleName: string;
  /** The name of the policy under arn:aws:iam::aws:policy/aws-service-role/. */
  policy: string;
  /** True when CreateServiceLinkedRole accepts a CustomSuffix for this service. */
  customSuffix: boolean;
}

type Row = [service: string, roleName: string, policy: string, customSuffix?: boolean];

// Service principal, role name, policy name, custom suffix allowed (default no): from AWS's service-linked role pages.
const ROWS: readonly Row[] = [
  ['access-analyzer.amazonaws.com', 'AWSServiceRoleForAccessAnalyzer', 'AccessAnalyzerServiceRolePolicy'],
  ['acm.amazonaws.com', 'AWSServiceRoleForCertificateManager', 'CertificateManagerServiceRolePolicy'],
  ['apigateway.amazonaws.com', 'AWSServiceRoleForAPIGateway', 'APIGatewayServiceRolePolicy'],
  ['apprunner.amazonaws.com', 'AWSServiceRoleForAppRunner', 'AppRunnerServiceRolePolicy'],
  ['appsync.amazonaws.com', 'AWSServiceRoleForAppSync', 'AWSAppSyncServiceRolePolicy'],
  ['autoscaling.amazonaws.com', 'AWSServiceRoleForAutoScaling', 'AutoScalingServiceRolePolicy', true],
  ['backup.amazonaws.com', 'AWSServiceRoleForBackup', 'AWSBackupServiceLinkedRolePolicyForBackup'],
  ['batch.amazonaws.com', 'AWSServiceRoleForBatch', 'BatchServiceRolePolicy'],
  ['cloudtrail.amazonaws.com', 'AWSServiceRoleForCloudTrail', 'CloudTrailServiceRolePolicy'],
  ['cloud9.amazonaws.com', 'AWSServiceRoleForAWSCloud9', 'AWSCloud9ServiceRolePolicy'],
  ['compute-optimizer.amazonaws.com', 'AWSServiceRoleForComputeOptimizer', 'ComputeOptimizerServiceRolePolicy'],
  ['config.amazonaws.com', 'AWSServiceRoleForConfig', 'AWSConfigServiceRolePolicy'],
  ['dax.amazonaws.com', 'AWSServiceRoleForDAX', 'DAXServiceRolePolicy'],
  ['ecs.amazonaws.com', 'AWSServiceRoleForECS', 'AmazonECSServiceRolePolicy'],
  ['eks.amazonaws.com', 'AWSServiceRoleForAmazonEKS', 'AmazonEKSServiceRolePolicy'],
  ['eks-fargate.amazonaws.com', 'AWSServiceRoleForAmazonEKSForFargate', 'AmazonEKSForFargateServiceRolePolicy'],
  ['eks-nodegroup.amazonaws.com', 'AWSServiceRoleForAmazonEKSNodegroup', 'AWSServiceRoleForAmazonEKSNodegroup'],
  ['elasticache.amazonaws.com', 'AWSServiceRoleForElastiCache', 'ElastiCacheServiceRolePolicy'],
  ['elasticbeanstalk.amazonaws.com', 'AWSServiceRoleForElasticBeanstalk', 'AWSElasticBeanstalkServiceRolePolicy'],
  ['elasticfilesystem.amazonaws.com', 'AWSServiceRoleForAmazonElasticFileSystem', 'AmazonElasticFileSystemServiceRolePolicy'],
  ['elasticloadbalancing.amazonaws.com', 'AWSServiceRoleForElasticLoadBalancing', 'AWSElasticLoadBalancingServiceRolePolicy'],
  ['elasticmapreduce.amazonaws.com', 'AWSServiceRoleForEMRCleanup', 'AmazonEMRCleanupPolicy'],
  ['es.amazonaws.com', 'AWSServiceRoleForAmazonElasticsearchService', 'AmazonElasticsearchServiceRolePolicy'],
  ['events.amazonaws.com', 'AWSServiceRoleForCloudWatchEvents', 'CloudWatchEventsServiceRolePolicy'],
  ['fms.amazonaws.com', 'AWSServiceRoleForFMS', 'FMSServiceRolePolicy'],
  ['fsx.amazonaws.com', 'AWSServiceRoleForAmazonFSx', 'AmazonFSxServiceRolePolicy'],
  ['globalaccelerator.amazonaws.com', 'AWSServiceRoleForGlobalAccelerator', 'AWSGlobalAcceleratorSLRPolicy'],
  ['guardduty.amazonaws.com', 'AWSServiceRoleForAmazonGuardDuty', 'AmazonGuardDutyServiceRolePolicy'],
  ['inspector.amazonaws.com', 'AWSServiceRoleForAmazonInspector', 'AmazonInspectorServiceRolePolicy'],
  ['kafka.amazonaws.com', 'AWSServiceRoleForKafka', 'KafkaServiceRolePolicy'],
  ['lakeformation.amazonaws.com', 'AWSServiceRoleForLakeFormationDataAccess', 'LakeFormationDataAccessServiceRolePolicy'],
  ['lex.amazonaws.com', 'AWSServiceRoleForLexBots', 'LexBotPolicy', true],
  ['channels.lex.amazonaws.com', 'AWSServiceRoleForLexChannels', 'LexChannelPolicy', true],
  ['memorydb.amazonaws.com', 'AWSServiceRoleForMemoryDB', 'MemoryDBServiceRolePolicy'],
  ['mq.amazonaws.com', 'AWSServiceRoleForAmazonMQ', 'AmazonMQServiceRolePolicy'],
  ['opensearchservice.amazonaws.com', 'AWSServiceRoleForAmazonOpenSearchService', 'AmazonOpenSearchServiceRolePolicy'],
  ['organizations.amazonaws.com', 'AWSServiceRoleForOrganizations', 'AWSOrganizationsServiceTrustPolicy'],
  ['ram.amazonaws.com', 'AWSServiceRoleForResourceAccessManager', 'AWSResourceAccessManagerServiceRolePolicy'],
  ['rds.amazonaws.com', 'AWSServiceRoleForRDS', 'AmazonRDSServiceRolePolicy'],
  ['redshift.amazonaws.com', 'AWSServiceRoleForRedshift', 'AmazonRedshiftServiceLinkedRolePolicy'],
  ['replication.dynamodb.amazonaws.com', 'AWSServiceRoleForDynamoDBReplication', 'DynamoDBReplicationServiceRolePolicy'],
  ['route53resolver.amazonaws.com', 'AWSServiceRoleForRoute53Resolver', 'Route53ResolverServiceRolePolicy'],
  ['securityhub.amazonaws.com', 'AWSServiceRoleForSecurityHub', 'AWSSecurityHubServiceRolePolicy'],
  ['servicequotas.amazonaws.com', 'AWSServiceRoleForServiceQuotas', 'ServiceQuotasServiceRolePolicy'],
  ['spot.amazonaws.com', 'AWSServiceRoleForEC2Spot', 'AWSEC2SpotServiceRolePolicy'],
  ['spotfleet.amazonaws.com', 'AWSServiceRoleForEC2SpotFleet', 'AWSEC2SpotFleetServiceRolePolicy'],
  ['ec2fleet.amazonaws.com', 'AWSServiceRoleForEC2Fleet', 'AWSEC2FleetServiceRolePolicy'],
  ['ssm.amazonaws.com', 'AWSServiceRoleForAmazonSSM', 'AmazonSSMServiceRolePolicy'],
  ['sso.amazonaws.com', 'AWSServiceRoleForSSO', 'AWSSSOServiceRolePolicy'],
  ['support.amazonaws.com', 'AWSServiceRoleForSupport', 'AWSSupportServiceRolePolicy'],
  ['transitgateway.amazonaws.com', 'AWSServiceRoleForVPCTransitGateway', 'AWSVPCTransitGatewayServiceRolePolicy'],
  ['trustedadvisor.amazonaws.com', 'AWSServiceRoleForTrustedAdvisor', 'AWSTrustedAdvisorServiceRolePolicy'],
  ['airflow.amazonaws.com', 'AWSServiceRoleForAmazonMWAA', 'AmazonMWAAServiceRolePolicy'],
  ['appmesh.amazonaws.com', 'AWSServiceRoleForAppMesh', 'AWSAppMeshServiceRolePolicy'],
  ['application-autoscaling.amazonaws.com', 'AWSServiceRoleForApplicationAutoScaling_CustomResource', 'AWSApplicationAutoScalingCustomResourcePolicy'],
  ['custom-resource.application-autoscaling.amazonaws.com', 'AWSServiceRoleForApplicationAutoScaling_CustomResource', 'AWSApplicationAutoScalingCustomResourcePolicy'],
  ['dynamodb.application-autoscaling.amazonaws.com', 'AWSServiceRoleForApplicationAutoScaling_DynamoDBTable', 'AWSApplicationAutoscalingDynamoDBTablePolicy'],
  ['ecs.application-autoscaling.amazonaws.com', 'AWSServiceRoleForApplicationAutoScaling_ECSService', 'AWSApplicationAutoscalingECSServicePolicy'],
  ['ec2.application-autoscaling.amazonaws.com', 'AWSServiceRoleForApplicationAutoScaling_EC2SpotFleetRequest', 'AWSApplicationAutoscalingEC2SpotFleetRequestPolicy'],
  ['rds.application-autoscaling.amazonaws.com', 'AWSServiceRoleForApplicationAutoScaling_RDSCluster', 'AWSApplicationAutoscalingRDSClusterPolicy'],
  ['lambda.application-autoscaling.amazonaws.com', 'AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency', 'AWSApplicationAutoscalingLambdaConcurrencyPolicy'],
  ['sagemaker.application-autoscaling.amazonaws.com', 'AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint', 'AWSApplicationAutoscalingSageMakerEndpointPolicy'],
  ['cassandra.application-autoscaling.amazonaws.com', 'AWSServiceRoleForApplicationAutoScaling_CassandraTable', 'AWSApplicationAutoscalingCassandraTablePolicy'],
];

/** The table keyed by service principal, built once. */
export const SERVICE_LINKED_ROLES: ReadonlyMap<string, ServiceLinkedRoleSpec> = new Map(
  ROWS.map(([service, roleName, policy, customSuffix]) => [service, { roleName, policy, customSuffix: customSuffix === true }]),
);

/** The ARN of a service-linked role policy by name. */
export function serviceRolePolicyArn(policy: string): string {
  return `arn:aws:iam::aws:policy/aws-service-role/${policy}`;
}

/**
 * The ARN CreateServiceLinkedRole would give the role (the request's resource, before the role exists), or undefined
 * for a service kamen does not know (the operation then answers InvalidInput).
 */
export function serviceLinkedRoleArn(accountId: string, service: unknown, suffix: unknown): string | undefined {
  if (typeof service !== 'string') return undefined;
  const spec = SERVICE_LINKED_ROLES.get(service);
  if (!spec) return undefined;
  const name = typeof suffix === 'string' && suffix !== '' ? `${spec.roleName}_${suffix}` : spec.roleName;
  return `arn:aws:iam::${accountId}:role/aws-service-role/${service}/${name}`;
}
