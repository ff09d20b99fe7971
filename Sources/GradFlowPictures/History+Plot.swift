import GradFlowTraining

extension History {
    /// The training curves as plots: the training and validation loss per epoch, and, when a
    /// validation metric was recorded, a second plot of it.
    public func plots(title: String = "Training") -> [SVGPlot] {
        let epochs = (1...max(loss.count, 1)).map(Float.init)
        var lossPlot = SVGPlot(title: title + " loss", xLabel: "epoch", yLabel: "loss", width: 480, height: 360)
        try? lossPlot.addLine(x: Array(epochs.prefix(loss.count)), y: loss, label: "loss")
        if !validationLoss.isEmpty {
            try? lossPlot.addLine(x: Array(epochs.prefix(validationLoss.count)), y: validationLoss, label: "val_loss")
        }
        guard let metric, !validationMetric.isEmpty else { return [lossPlot] }
        var metricPlot = SVGPlot(title: title + " " + metric.rawValue, xLabel: "epoch", yLabel: metric.rawValue, width: 480, height: 360)
        try? metricPlot.addLine(x: Array(epochs.prefix(validationMetric.count)), y: validationMetric,
                                label: "val_" + metric.shortName, color: SVGPlot.palette[2])
        return [lossPlot, metricPlot]
    }

    /// Writes the loss (and validation metric) curves to an SVG file, side by side.
    /// - Throws: `PlotError.unwritable`.
    public func plotSVG(to path: String, title: String = "Training") throws(PlotError) {
        try SVGPlot.write(SVGPlot.document(plots(title: title)), to: path)
    }
}
