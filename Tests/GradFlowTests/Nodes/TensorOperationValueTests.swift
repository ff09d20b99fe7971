import Foundation
import XCTest
import GradFlow

/// The tensor operations' forward values against numpy's on fixed inputs (`Fixtures/tensor_ops.json`,
/// written by `scripts/make_tensor_op_fixtures.py`): the nodes through `Variable`, which runs them,
/// and the `Tensor` functions directly.
final class TensorOperationValueTests: XCTestCase {
    private struct Fixture: Decodable {
        struct Array: Decodable { let shape: [Int]; let data: [Float] }
        let inputs: [String: Array]
        let cases: [String: Array]
    }

    private func fixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tensor_ops.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    func testEveryOperation_matchesNumpy() throws {
        let file = try fixture()
        func tensor(_ a: Fixture.Array) throws -> Tensor { try Tensor(shape: a.shape, scalars: a.data) }
        let (x, b, m) = (try tensor(file.inputs["x"]!), try tensor(file.inputs["b"]!), try tensor(file.inputs["m"]!))
        let (vx, vb, vm) = (Variable(x), Variable(b), Variable(m))
        let operations: [String: () throws -> Tensor] = [
            "subtract": { try (vx - vb).value },
            "divide": { try (vx / vb).value },
            "exp": { try vx.exp().value },
            "log": { try (vx.abs() + 0.5).log().value },
            "sqrt": { try vx.abs().sqrt().value },
            "abs": { try vx.abs().value },
            "pow3": { try (vx ** 3).value },
            "clamp": { try vx.clamped(min: -0.5, max: 1).value },
            "sum_axis1": { try vx.sum(axes: [1]).value },
            "sum_all": { try vx.sum().value },
            "mean_axes02_keep": { try vx.mean(axes: [0, 2], keepDims: true).value },
            "max_last": { try vx.max(axes: [-1]).value },
            "min_axis0": { try vx.min(axes: [0]).value },
            "argmax_axis1": { try vx.argmax(axis: 1).value },
            "argmin_axis2": { try vx.argmin(axis: 2).value },
            "logsumexp_axis1": { try vx.logSumExp(axes: [1]).value },
            "var_axis2_ddof1": { try vx.variance(axes: [2], ddof: 1).value },
            "std_axis0": { try vx.standardDeviation(axes: [0]).value },
            "transpose_201": { try vx.transposed([2, 0, 1]).value },
            "reshape_4x6": { try vx.reshaped([4, -1]).value },
            "take_axis1": { try x.take([2, 0, -1], axis: 1) },
            "slice_axis2": { try x.slice(axis: 2, start: 1, end: 4, step: 2) },
            "slice_negative": { try x.slice(axis: 1, start: -2) },
            "concatenate_axis1": { try Tensor.concatenate([x, x.slice(axis: 1, end: 1)], axis: 1) },
            "stack_axis1": { try Tensor.stack([m, -1 * m], axis: 1) },
            "matmul_T": { try matmul(vm.T, vm).value },
            "prod_axis2": { try vx.prod(axes: [2]).value },
            "node_take": { try vx.take([1, -1, 1], axis: 2).value },
            "node_slice": { try vx.slice(axis: 1, step: 2).slice(axis: 2, start: 1).value },
            "gather_axis1": { try vx.gather(Variable(Tensor([2, 2, 0, 1])), axis: 1).value },
            "node_concat": { try concatenate([vx, vx * 2], axis: 2).value },
            "node_stack": { try stack([vm, vm + 1, -vm], axis: 0).value },
            "broadcast_to": { try vb.broadcast(to: [2, 3, 4]).value },
            "maximum": { try vx.maximum(vb - 1).value },
            "minimum": { try vx.minimum(vb - 1).value },
            "greater": { try vx.compared(.greater, vb - 1).value },
            "where": { try `where`(vx.compared(.greater, Variable(Tensor(0))), vx, vb).value },
            "split_second": { try vx.split(2, axis: 2)[1].value },
            "squeeze_unsqueeze": { try vx.slice(axis: 1, end: 1).squeezed(axis: 1).unsqueezed(axis: 1).unsqueezed(axis: -1).value },
            "arange": { try Tensor.arange(0.5, 3, step: 0.5) },
            "linspace": { Tensor.linspace(-1, 1, count: 5) },
            "eye": { Tensor.eye(3) },
        ]
        XCTAssertEqual(Set(operations.keys), Set(file.cases.keys), "every numpy case is checked")
        for (name, expected) in file.cases.sorted(by: { $0.key < $1.key }) {
            guard let operation = operations[name] else { continue }
            let actual = try operation()
            XCTAssertEqual(actual.shape, expected.shape, name)
            for (a, e) in zip(actual.scalars, expected.data) {
                XCTAssertEqual(a, e, accuracy: 2e-5 * Swift.max(1, abs(e)), name)
            }
        }
    }

    func testTensorFunctions_areTheNodesOnConstants() throws {
        let t = try Tensor([[1, -2], [3, 4]])
        XCTAssertEqual(try t.abs().prod(axes: [1]), Tensor([2, 12]))
        XCTAssertEqual(try Tensor.where(t.compared(.greater, Tensor(0)), t, Tensor(0)), try Tensor([[1, 0], [3, 4]]))
        XCTAssertEqual(try t.pow(2).sqrt(), try t.abs())
        XCTAssertEqual(try t.clamped(min: 0, max: 3), try Tensor([[1, 0], [3, 3]]))
        XCTAssertEqual(try t.maximum(Tensor([2, 0])), try Tensor([[2, 0], [3, 4]]))
        XCTAssertEqual(try t.minimum(Tensor([2, 0])), try Tensor([[1, -2], [2, 0]]))
        XCTAssertEqual(try t.min(axes: [0]), Tensor([1, -2]))
        XCTAssertEqual(try t.argmin(axis: 1), Tensor([1, 0]))
        XCTAssertEqual(try t.variance(axes: [0]), Tensor([1, 9]))
        XCTAssertEqual(try t.standardDeviation(axes: [1], ddof: 1).scalars[0], 3 / Float(2).squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(try t.logSumExp().scalars[0], Float(log(exp(1.0) + exp(-2.0) + exp(3.0) + exp(4.0))), accuracy: 1e-5)
        XCTAssertEqual(try t.transposed([1, 0]), try t.transposed())
        XCTAssertEqual(try Tensor([1, 2]).broadcast(to: [2, 2]), try Tensor([[1, 2], [1, 2]]))
        XCTAssertEqual(try t.unsqueezed(axis: 0).shape, [1, 2, 2])
        XCTAssertEqual(try t.unsqueezed(axis: 0).squeezed().shape, [2, 2])
        XCTAssertEqual(try t.split(2, axis: 1).map(\.scalars), [[1, 3], [-2, 4]])
        XCTAssertThrowsError(try t.maximum(Tensor([1, 2, 3]))) { error in
            guard case let .shapeMismatch(operation, shapes, _)? = error as? AutogradError else { return XCTFail("\(error)") }
            XCTAssertEqual(operation, "maximum")
            XCTAssertEqual(shapes, [[2, 2], [3]])
        }
    }
}
