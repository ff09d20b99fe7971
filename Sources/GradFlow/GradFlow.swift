// The umbrella module: `import GradFlow` brings in every layer of the library. The layers, bottom
// up (each imports only those below it; see README, "Layout"):
//
//   GradFlowKernels      GEMM, elementwise loops, thread pool (over the C kernels)
//   GradFlowCore         Tensor, Node, Graph (Kahn scheduling), the operations, the registry
//   GradFlowStorage      files: mapping, atomic writes, limits, safetensors, checkpoints
//   GradFlowData         CSV, IDX/MNIST, data sets, scalers, minibatches
//   GradFlowInference    InferenceSession, Predictor (forward-only planned replicas)
//   GradFlowTraining     Trainer, optimizers, schedules, callbacks, metrics, guards
//   GradFlowGraphFiles   the .graph language: lexer, parser, binder, writer, DOT, reports
//   GradFlowModels       Sequential and its layers
//   GradFlowPictures     SVG plots of histories, graphs and evaluations
@_exported import GradFlowCore
@_exported import GradFlowStorage
@_exported import GradFlowData
@_exported import GradFlowInference
@_exported import GradFlowTraining
@_exported import GradFlowGraphFiles
@_exported import GradFlowModels
@_exported import GradFlowPictures
