//! AWS CodePipeline, both ways: [`import`] reads `aws codepipeline get-pipeline` output,
//! create-pipeline input and CloudFormation templates (YAML or JSON) into pipelines with a
//! [`report`]; [`export`] writes a pipeline back as CodePipeline JSON or a CloudFormation
//! template. What Pipewright has no field for is kept verbatim ([`kept`]) so the way back is
//! lossless.

pub mod cfn;
pub mod export;
pub mod import;
mod kept;
pub mod report;
pub mod spelling;

pub use kept::{ActionType, AwsAction, AwsMembers, StageConditions};
